package ai.laes.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import ai.laes.data.SequenceTask;
import ai.laes.data.SequenceView;
import ai.laes.lmn.LinearMemoryLayer;
import ai.laes.lmn.init.LmnInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small generated images (digit-dependent brightness in the last rows plus noise) and tiny models. */
final class TrainFixtures {
    private TrainFixtures() {
    }

    /** {@code n} images with indices {@code 0..n-1}; the label shows in the mean brightness of the last 28 pixels. */
    static List<LabeledImage> images(int n, long seed) {
        Random random = new Random(seed);
        List<LabeledImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(MnistImages.CLASSES);
            byte[] pixels = new byte[MnistImages.PIXELS];
            for (int p = 0; p < pixels.length; p++) {
                int v = p >= MnistImages.PIXELS - 28 ? label * 25 + random.nextInt(20) : random.nextInt(256);
                pixels[p] = (byte) v;
            }
            out.add(new LabeledImage(i, label, pixels));
        }
        return out;
    }

    /** Row-major sequences cropped to their last {@code steps} steps. */
    static Batches batches(int steps) {
        return Batches.mnist(steps);
    }

    /**
     * LMN(1 -> size, memory size) with the orthogonality penalty {@code alpha} and detach probability {@code detach}
     * (draws seeded by {@code seed}), orthogonal initialisation, + softmax; plain SGD, no weight decay or clipping.
     */
    static ModelFactory sgdLmn(int size, double lr, double alpha, double detach) {
        return seed -> {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(seed).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).updater(new Sgd(lr)).list()
                    .layer(new LastTimeStep(new LinearMemoryLayer.Builder().nIn(1).nH(size).nM(size)
                            .orthogonalityPenalty(alpha).detach(detach, seed).build()))
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(size).nOut(10)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.recurrent(1)).build());
            net.init();
            LmnInitializer.orthogonal(seed).initialise(net, 0);
            return net;
        };
    }

    /** LSTM(1 -> hidden) + softmax, plain SGD, no regularisation or clipping. */
    static ModelFactory sgdLstm(int hidden, double lr) {
        return seed -> {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(seed).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).updater(new Sgd(lr)).list()
                    .layer(new LastTimeStep(new LSTM.Builder().nIn(1).nOut(hidden).activation(Activation.TANH).build()))
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(10)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.recurrent(1)).build());
            net.init();
            return net;
        };
    }
}
