package ai.laes.laes;

import ai.laes.spark.ArraySums;
import ai.laes.spark.Stages;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Mean squared reconstruction error per lag, computed distributedly: MSE_d = mean over sequences
 * with n &gt; d and over the k features of (x^_{n-d} - x_{n-d})^2, d = 0 the newest step, d &lt; T.
 * The model travels as a broadcast of plain arrays; the sums meet in one treeAggregate. A sequence
 * with a NaN or infinite value is refused (InputException naming its partition, position and step).
 */
public final class ReconstructionError {
    private ReconstructionError() {
    }

    /** LAES decoding from each sequence's own final state. */
    public static double[] perLag(LaesModel model, JavaRDD<double[]> sequences, JavaSparkContext sc) {
        int lags = model.maxSteps();
        Broadcast<LaesModel> shared = sc.broadcast(model);
        try {
            int k = model.inputSize();
            double[] totals = NonFinite.rethrowingInputErrors(() -> Stages.described(sc.sc(), "LAES: reconstruction error", () ->
                    ArraySums.treeSum(sequences.mapPartitionsWithIndex((partition, it) -> {
                        double[] acc = new double[2 * lags];
                        double[] sums = new double[lags];
                        double[] counts = new double[lags];
                        long position = 0;
                        try (LaesBatch batch = shared.value().batch()) {
                            List<double[]> chunk = new ArrayList<>(LaesModel.BATCH);
                            while (it.hasNext()) {
                                chunk.add(finite(partition, position++, it.next(), k));
                                if (chunk.size() == LaesModel.BATCH || !it.hasNext()) {
                                    batch.accumulateErrors(chunk, lags, sums, counts);
                                    chunk.clear();
                                }
                            }
                        }
                        System.arraycopy(sums, 0, acc, 0, lags);
                        System.arraycopy(counts, 0, acc, lags, lags);
                        return List.of(acc).iterator();
                    }, false), 2 * lags)));
            return meanPerLag(totals, lags, model.inputSize());
        } finally {
            shared.destroy();
        }
    }

    /** The mean-only baseline: predict mu at every lag. */
    public static double[] meanBaselinePerLag(double[] mu, int lags, JavaRDD<double[]> sequences) {
        int k = mu.length;
        double[] totals = NonFinite.rethrowingInputErrors(() -> ArraySums.treeSum(sequences.mapPartitionsWithIndex((partition, it) -> {
            double[] acc = new double[2 * lags];
            for (long position = 0; it.hasNext(); position++) {
                double[] seq = finite(partition, position, it.next(), k);
                int n = seq.length / k;
                for (int d = 0; d < Math.min(n, lags); d++) {
                    int step = n - 1 - d;
                    for (int f = 0; f < k; f++) {
                        double diff = seq[step * k + f] - mu[f];
                        acc[d] += diff * diff;
                    }
                    acc[lags + d] += 1;
                }
            }
            return List.of(acc).iterator();
        }, false), 2 * lags));
        return meanPerLag(totals, lags, k);
    }

    /** {@code seq} itself, or an InputException naming it if it holds a NaN or infinite value. */
    private static double[] finite(int partition, long position, double[] seq, int k) {
        int bad = NonFinite.firstIndex(seq);
        if (bad >= 0) {
            throw NonFinite.inPartition(partition, position, seq, bad, k);
        }
        return seq;
    }

    private static double[] meanPerLag(double[] totals, int lags, int k) {
        double[] mse = new double[lags];
        for (int d = 0; d < lags; d++) {
            mse[d] = totals[lags + d] == 0 ? Double.NaN : totals[d] / (totals[lags + d] * k);
        }
        return mse;
    }
}
