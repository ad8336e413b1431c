package ai.laes.train;

import java.util.Random;

import ai.laes.data.SequenceExample;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.numerics.RandomMatrices;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How the output layer of a classifier starts ({@code --readout}). The reference fits the least-squares readout
 * only for the LAES initialisation and gives every other model the head of its {@code SequenceClassifier}
 * (rnn_nograd/rnn_modules.py): on the LSTM's nearly collinear final states the least-squares readout has weights in
 * the thousands, which weight decay then fights (training loss in the thousands, validation loss ~20 at Adam 1e-3).
 */
public enum ReadoutScheme {
    /** The ridge least-squares fit of the final states onto one-hot labels ({@link LeastSquaresReadout}). */
    LSQ,
    /**
     * The reference's classifier head: W_out Xavier-normal with gain 0.9 (std 0.9 sqrt(2 / (n + classes))), b_out
     * uniform in [0, 0.01) ({@code 0.01 * torch.rand}; the reference's {@code xavier_normal_} overwrites only W_out).
     */
    RANDOM;

    /** The reference's choice: the least-squares readout for a network started from the LAES, the random one otherwise. */
    public static ReadoutScheme defaultFor(boolean laesStart) {
        return laesStart ? LSQ : RANDOM;
    }

    /** Sets {@code net}'s readout: fitted on {@code train} for {@link #LSQ}, drawn from {@code seed} for {@link #RANDOM}. */
    public void initialise(MultiLayerNetwork net, JavaSparkContext sc, JavaRDD<? extends SequenceExample> train, Batches batches,
            long seed) {
        if (this == LSQ) {
            LeastSquaresReadout.fit(sc, net, train, batches);
        } else {
            random(net, seed);
        }
    }

    /**
     * The random readout of {@code net}'s output layer ({@link #RANDOM}), drawn from a stream of its own derived from
     * {@code seed}, so that it is independent of the recurrent layer's draws from the same seed.
     */
    public static void random(MultiLayerNetwork net, long seed) {
        Layer output = net.getLayer(LeastSquaresReadout.OUTPUT);
        INDArray w = output.getParam("W"); // [n, classes], the transpose of the reference's W_out
        INDArray b = output.getParam("b");
        int n = (int) w.size(0), classes = (int) w.size(1);
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        double[][] wOut = RandomMatrices.xavierNormal(random, classes, n, LmnInitializer.REFERENCE_GAIN);
        w.assign(Nd4j.create(wOut).transpose().castTo(w.dataType()));
        b.assign(Nd4j.create(RandomMatrices.uniform(random, classes, REFERENCE_BIAS_SCALE), new long[]{1, classes})
                .castTo(b.dataType()));
    }

    /** The scale of the reference head's uniform bias, {@code 0.01 * torch.rand(classes)}. */
    public static final double REFERENCE_BIAS_SCALE = 0.01;
}
