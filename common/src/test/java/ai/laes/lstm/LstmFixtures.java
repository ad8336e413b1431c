package ai.laes.lstm;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

/** Small LSTM networks (ours or DL4J's) and generated sequences for the tests. */
final class LstmFixtures {
    static final int N_IN = 3, N = 5, BATCH = 4, CLASSES = 3;

    private LstmFixtures() {
    }

    static LstmLayer ours(double forgetBias) {
        return new LstmLayer.Builder().nIn(N_IN).nOut(N).forgetGateBiasInit(forgetBias).build();
    }

    static LSTM dl4j(double forgetBias) {
        return new LSTM.Builder().nIn(N_IN).nOut(N).activation(Activation.TANH).forgetGateBiasInit(forgetBias).build();
    }

    /**
     * recurrent -> LastTimeStep -> softmax OutputLayer ({@code lastStep}), or recurrent -> RnnOutputLayer
     * (sequence to sequence, so every step's output gets a gradient); NoOp updater, Xavier, seed {@code seed}.
     */
    static MultiLayerNetwork net(Layer recurrent, boolean lastStep, DataType dataType, long seed) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(dataType).updater(new NoOp()).weightInit(WeightInit.XAVIER).list();
        MultiLayerConfiguration conf = lastStep
                ? list.layer(new LastTimeStep(recurrent))
                      .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                              .nIn(N).nOut(CLASSES).build()).build()
                : list.layer(recurrent)
                      .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                              .nIn(N).nOut(CLASSES).build()).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Sets every bias of layer 0 to a random value, so each gate's bias and its gradient are exercised. */
    static void randomBiases(MultiLayerNetwork net, long seed) {
        Random rnd = new Random(seed);
        INDArray b = net.getLayer(0).getParam("b");
        for (int i = 0; i < b.length(); i++) {
            b.putScalar(i, 0.5 * rnd.nextGaussian());
        }
    }

    static INDArray input(DataType dataType, int T, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(dataType, BATCH, N_IN, T);
    }

    static INDArray classLabels(DataType dataType, long seed) {
        Random rnd = new Random(seed);
        INDArray y = Nd4j.zeros(dataType, BATCH, CLASSES);
        for (int i = 0; i < BATCH; i++) {
            y.putScalar(i, rnd.nextInt(CLASSES), 1.0);
        }
        return y;
    }

    static INDArray sequenceLabels(DataType dataType, int T, long seed) {
        Random rnd = new Random(seed);
        INDArray y = Nd4j.zeros(dataType, BATCH, CLASSES, T);
        for (int i = 0; i < BATCH; i++) {
            for (int t = 0; t < T; t++) {
                y.putScalar(new int[]{i, rnd.nextInt(CLASSES), t}, 1.0);
            }
        }
        return y;
    }

    static INDArray labels(boolean lastStep, DataType dataType, int T, long seed) {
        return lastStep ? classLabels(dataType, seed) : sequenceLabels(dataType, T, seed);
    }
}
