package ai.laes.lmn;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

/** Small double-precision LMN networks and generated sequences for the tests. */
final class LmnFixtures {
    static final int N_IN = 3, N_H = 4, N_M = 5, T = 6, BATCH = 3, CLASSES = 3;

    private LmnFixtures() {
    }

    /** Seed of the detach draws of the fixture layers. */
    static final long DETACH_SEED = 99;

    static LinearMemoryLayer layer(Activation act, double alpha, double detach) {
        return new LinearMemoryLayer.Builder().nIn(N_IN).nH(N_H).nM(N_M).activation(act)
                .orthogonalityPenalty(alpha).detach(detach, DETACH_SEED).build();
    }

    static MultiLayerNetwork net(boolean lastStep, Activation act, double alpha, IUpdater updater, long seed) {
        return net(lastStep, act, alpha, 0, updater, seed);
    }

    /**
     * LMN (penalty alpha, detach probability {@code detach}) -> LastTimeStep -> softmax OutputLayer, or
     * LMN -> RnnOutputLayer (sequence to sequence).
     */
    static MultiLayerNetwork net(boolean lastStep, Activation act, double alpha, double detach, IUpdater updater, long seed) {
        return net(layer(act, alpha, detach), lastStep, updater, seed);
    }

    /** As above for any LMN layer of nIn {@link #N_IN} and nM {@link #N_M} (nH and the rest as it says). */
    static MultiLayerNetwork net(LinearMemoryLayer lmn, boolean lastStep, IUpdater updater, long seed) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.DOUBLE).updater(updater).weightInit(WeightInit.XAVIER).list();
        MultiLayerConfiguration conf = lastStep
                ? list.layer(new LastTimeStep(lmn))
                      .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                              .nIn(N_M).nOut(CLASSES).build()).build()
                : list.layer(lmn)
                      .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                              .nIn(N_M).nOut(CLASSES).build()).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // non-zero biases, so their gradients and their effect on the recurrence are exercised
        Random rnd = new Random(seed);
        for (String key : new String[]{LinearMemoryParamInitializer.B_H, LinearMemoryParamInitializer.B_M}) {
            INDArray bias = net.getLayer(0).getParam(key);
            for (int i = 0; i < bias.length(); i++) {
                bias.putScalar(i, 0.3 * rnd.nextGaussian());
            }
        }
        return net;
    }

    static MultiLayerNetwork net(boolean lastStep, Activation act, double alpha) {
        return net(lastStep, act, alpha, new NoOp(), 12345);
    }

    static INDArray input(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, BATCH, N_IN, T);
    }

    /** Feature mask [BATCH, T] with lengths T, T-2, 2 (padding at the end). */
    static INDArray mask() {
        INDArray m = Nd4j.zeros(DataType.DOUBLE, BATCH, T);
        int[] lengths = {T, T - 2, 2};
        for (int i = 0; i < BATCH; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                m.putScalar(i, t, 1.0);
            }
        }
        return m;
    }

    static INDArray classLabels(long seed) {
        Random rnd = new Random(seed);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, BATCH, CLASSES);
        for (int i = 0; i < BATCH; i++) {
            y.putScalar(i, rnd.nextInt(CLASSES), 1.0);
        }
        return y;
    }

    static INDArray sequenceLabels(long seed) {
        Random rnd = new Random(seed);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, BATCH, CLASSES, T);
        for (int i = 0; i < BATCH; i++) {
            for (int t = 0; t < T; t++) {
                y.putScalar(new int[]{i, rnd.nextInt(CLASSES), t}, 1.0);
            }
        }
        return y;
    }

    /** A parameter of layer 0 as the column-vector matrix of docs/laes-math.md (the transpose of the stored one). */
    static double[][] columnForm(MultiLayerNetwork net, String key) {
        return net.getLayer(0).getParam(key).transpose().toDoubleMatrix();
    }

    static double[] vector(MultiLayerNetwork net, String key) {
        return net.getLayer(0).getParam(key).toDoubleVector();
    }
}
