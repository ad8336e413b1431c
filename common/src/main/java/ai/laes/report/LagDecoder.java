package ai.laes.report;

import java.io.Serializable;
import java.util.List;

import ai.laes.spark.ArraySums;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A per-lag affine decoder from a final state: x^_{T-d} = w_d . y_T + b_d, d = 0 the newest step (k = 1).
 * Row d of the weights is [w_d ; b_d] (length p + 1).
 */
public final class LagDecoder implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] w; // T x (p + 1)
    private final int steps;
    private final int p;

    LagDecoder(double[] w, int steps, int p) {
        this.w = w;
        this.steps = steps;
        this.p = p;
    }

    /** x^_{T-d}. */
    public double decode(double[] y, int d) {
        int row = d * (p + 1);
        double v = w[row + p];
        for (int i = 0; i < p; i++) {
            v += w[row + i] * y[i];
        }
        return v;
    }

    /** [w_d ; b_d]. */
    public double[] weights(int d) {
        return java.util.Arrays.copyOfRange(w, d * (p + 1), (d + 1) * (p + 1));
    }

    /** MSE per lag of decoding each sequence from its own final state under {@code memory}, over sequences of T steps. */
    public static double[] msePerLag(UnrolledMemory memory, LagDecoder decoder, JavaRDD<double[]> sequences,
            JavaSparkContext sc) {
        int t = memory.steps();
        Broadcast<UnrolledMemory> m = sc.broadcast(memory);
        Broadcast<LagDecoder> dec = sc.broadcast(decoder);
        try {
            double[] totals = ArraySums.treeSum(sequences.mapPartitions(it -> {
                double[] acc = new double[t + 1];
                while (it.hasNext()) {
                    double[] x = it.next();
                    double[] y = m.value().finalState(x);
                    for (int d = 0; d < t; d++) {
                        double diff = dec.value().decode(y, d) - x[t - 1 - d];
                        acc[d] += diff * diff;
                    }
                    acc[t] += 1;
                }
                return List.of(acc).iterator();
            }), t + 1);
            double[] mse = new double[t];
            for (int d = 0; d < t; d++) {
                mse[d] = totals[d] / totals[t];
            }
            return mse;
        } finally {
            m.destroy();
            dec.destroy();
        }
    }
}
