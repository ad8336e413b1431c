package ai.laes.laes;

import ai.laes.spark.Stages;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Mean squared reconstruction error per lag, computed distributedly: MSE_d = mean over sequences
 * with n &gt; d and over the k features of (x^_{n-d} - x_{n-d})^2, d = 0 the newest step, d &lt; T.
 * The model travels as a broadcast of plain arrays; the sums meet in one treeAggregate.
 */
public final class ReconstructionError {
    private ReconstructionError() {
    }

    /** LAES decoding from each sequence's own final state. */
    public static double[] perLag(LaesModel model, JavaRDD<double[]> sequences, JavaSparkContext sc) {
        int lags = model.maxSteps();
        Broadcast<LaesModel> shared = sc.broadcast(model);
        try {
            double[] totals = Stages.described(sc.sc(), "LAES: reconstruction error", () ->
                    sequences.mapPartitions(it -> {
                        double[] acc = new double[2 * lags];
                        double[] sums = new double[lags];
                        double[] counts = new double[lags];
                        try (LaesBatch batch = shared.value().batch()) {
                            List<double[]> chunk = new ArrayList<>(LaesModel.BATCH);
                            while (it.hasNext()) {
                                chunk.add(it.next());
                                if (chunk.size() == LaesModel.BATCH || !it.hasNext()) {
                                    batch.accumulateErrors(chunk, lags, sums, counts);
                                    chunk.clear();
                                }
                            }
                        }
                        System.arraycopy(sums, 0, acc, 0, lags);
                        System.arraycopy(counts, 0, acc, lags, lags);
                        return List.of(acc).iterator();
                    }).treeAggregate(new double[2 * lags], SequenceGram::addInPlace, SequenceGram::addInPlace, 2));
            return meanPerLag(totals, lags, model.inputSize());
        } finally {
            shared.destroy();
        }
    }

    /** The mean-only baseline: predict mu at every lag. */
    public static double[] meanBaselinePerLag(double[] mu, int lags, JavaRDD<double[]> sequences) {
        int k = mu.length;
        double[] totals = sequences.treeAggregate(new double[2 * lags], (acc, seq) -> {
            int n = seq.length / k;
            for (int d = 0; d < Math.min(n, lags); d++) {
                int step = n - 1 - d;
                for (int f = 0; f < k; f++) {
                    double diff = seq[step * k + f] - mu[f];
                    acc[d] += diff * diff;
                }
                acc[lags + d] += 1;
            }
            return acc;
        }, SequenceGram::addInPlace, 2);
        return meanPerLag(totals, lags, k);
    }

    private static double[] meanPerLag(double[] totals, int lags, int k) {
        double[] mse = new double[lags];
        for (int d = 0; d < lags; d++) {
            mse[d] = totals[lags + d] == 0 ? Double.NaN : totals[d] / (totals[lags + d] * k);
        }
        return mse;
    }
}
