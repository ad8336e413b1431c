package ai.laes.train;

import java.util.Random;

import ai.laes.data.LabeledImage;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How the output layer of a classifier starts ({@code --readout}). The reference fits the least-squares readout
 * only for the LAES initialisation and gives every other model PyTorch's {@code nn.Linear} with Xavier-normal
 * weights: on the LSTM's nearly collinear final states the least-squares readout has weights in the thousands,
 * which weight decay then fights (training loss in the thousands, validation loss ~20 at Adam 1e-3).
 */
public enum ReadoutScheme {
    /** The ridge least-squares fit of the final states onto one-hot labels ({@link LeastSquaresReadout}). */
    LSQ,
    /** Xavier-normal weights (std sqrt(2 / (n + classes))) and a small bias, uniform in +-1/sqrt(n) as PyTorch's. */
    RANDOM;

    /** The reference's choice: the least-squares readout for a network started from the LAES, the random one otherwise. */
    public static ReadoutScheme defaultFor(boolean laesStart) {
        return laesStart ? LSQ : RANDOM;
    }

    /** Sets {@code net}'s readout: fitted on {@code train} for {@link #LSQ}, drawn from {@code seed} for {@link #RANDOM}. */
    public void initialise(MultiLayerNetwork net, JavaSparkContext sc, JavaRDD<LabeledImage> train, Batches batches, long seed) {
        if (this == LSQ) {
            LeastSquaresReadout.fit(sc, net, train, batches);
        } else {
            random(net, seed);
        }
    }

    /** The random readout of {@code net}'s output layer, drawn from {@code seed}. */
    public static void random(MultiLayerNetwork net, long seed) {
        Layer output = net.getLayer(LeastSquaresReadout.OUTPUT);
        INDArray w = output.getParam("W"); // [n, classes]
        INDArray b = output.getParam("b");
        long n = w.size(0), classes = w.size(1);
        Random random = new Random(seed);
        double std = Math.sqrt(2.0 / (n + classes));
        double bound = 1 / Math.sqrt(n);
        for (long i = 0; i < n; i++) {
            for (long c = 0; c < classes; c++) {
                w.putScalar(i, c, std * random.nextGaussian());
            }
        }
        for (long c = 0; c < classes; c++) {
            b.putScalar(c, bound * (2 * random.nextDouble() - 1));
        }
    }
}
