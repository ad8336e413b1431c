package ai.laes.report;

import java.util.List;

import ai.laes.readout.Cholesky;
import ai.laes.spark.ArraySums;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The best affine decoder per lag of a fixed linear memory: for each d, least squares of x_{T-d} on
 * z = [y_T ; 1] over the training sequences. All lags share the left-hand side, so one pass accumulates
 * S = sum z z^T ((p+1)^2) and C = sum z x_{T-d} for every d ((p+1) x T); then [w_d ; b_d] solves
 * (S + lambda D) w = C[:, d] (D = diag(1..1, 0), lambda = ridge * mean diagonal of the y y^T block).
 */
public final class LeastSquaresDecoder {
    /**
     * Relative ridge. When p exceeds the rank of the centred training sequences (sMNIST's mostly blank last rows at
     * T = 196), the LAES state has components that are zero on every training sequence up to rounding but not on
     * test sequences; a ridge of 1e-10 let rounding noise give them weights of order 10 and the decoders of the exact
     * LAES reconstructed the test split ten times worse than its tied decoder. 1e-6 sets those weights to ~0 and
     * shrinks directions that carry variance by at most about 1e-6 relative to the mean.
     */
    public static final double RIDGE = 1e-6;

    private LeastSquaresDecoder() {
    }

    public static LagDecoder fit(UnrolledMemory memory, JavaRDD<double[]> sequences, JavaSparkContext sc) {
        int t = memory.steps();
        int z = memory.memorySize() + 1;
        Broadcast<UnrolledMemory> m = sc.broadcast(memory);
        double[] sums;
        try {
            sums = ArraySums.treeSum(sequences.mapPartitions(it -> {
                double[] acc = new double[z * z + z * t];
                double[] zz = new double[z];
                while (it.hasNext()) {
                    double[] x = it.next();
                    double[] y = m.value().finalState(x);
                    System.arraycopy(y, 0, zz, 0, z - 1);
                    zz[z - 1] = 1;
                    accumulate(acc, zz, x, t);
                }
                return List.of(acc).iterator();
            }), z * z + z * t);
        } finally {
            m.destroy();
        }
        return solve(sums, z, t);
    }

    /** S += z z^T, C[:, d] += z x_{T-d}. */
    static void accumulate(double[] acc, double[] z, double[] x, int t) {
        int n = z.length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                acc[i * n + j] += z[i] * z[j];
            }
            int row = n * n + i * t;
            for (int d = 0; d < t; d++) {
                acc[row + d] += z[i] * x[t - 1 - d];
            }
        }
    }

    static LagDecoder solve(double[] sums, int z, int t) {
        double[] s = java.util.Arrays.copyOf(sums, z * z);
        double[] c = java.util.Arrays.copyOfRange(sums, z * z, z * z + z * t);
        double meanDiagonal = 0;
        for (int i = 0; i < z - 1; i++) {
            meanDiagonal += s[i * z + i] / (z - 1);
        }
        double lambda = RIDGE * (meanDiagonal > 0 ? meanDiagonal : 1);
        for (int i = 0; i < z - 1; i++) {
            s[i * z + i] += lambda;
        }
        double[] solution = Cholesky.solve(s, z, c, t); // z x T, column d = [w_d ; b_d]
        double[] w = new double[t * z];
        for (int d = 0; d < t; d++) {
            for (int i = 0; i < z; i++) {
                w[d * z + i] = solution[i * t + d];
            }
        }
        return new LagDecoder(w, t, z - 1);
    }
}
