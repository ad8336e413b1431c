package ai.laes.laes;

import ai.laes.spark.Stages;
import ai.laes.io.InputException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.SingularValueDecomposition;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The literal route: the prefix rows xi_t = [x_t; x_{t-1}; ...; x_1; 0; ...; 0] (centred, length
 * T*k) generated lazily into a RowMatrix, and Spark's computeSVD. The right singular vectors V of
 * that RowMatrix are U_p of Xi = V S U^T in docs/laes-math.md. Feasible for short or few sequences only.
 */
public final class XiRoute {
    private static final Logger LOG = LoggerFactory.getLogger(XiRoute.class);
    /** Singular values below this fraction of s_1 are treated as zero by computeSVD. */
    static final double RCOND = 1e-12;

    private XiRoute() {
    }

    public static LaesComponents topComponents(JavaRDD<double[]> sequences, SequenceStats stats, int p) {
        double[] mu = stats.mu();
        int k = mu.length;
        int n = stats.maxSteps() * k;
        long start = System.nanoTime();
        JavaRDD<Vector> rows = sequences.flatMap(s -> prefixRows(SequenceMean.center(s, mu), k, n))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            RowMatrix xi = new RowMatrix(rows.rdd(), stats.totalSteps(), n);
            SingularValueDecomposition<RowMatrix, Matrix> svd = Stages.described(sequences.context(),
                    "LAES: Xi SVD", () -> xi.computeSVD(p, false, RCOND));
            double[] s = svd.s().toArray();
            if (s.length < p) {
                throw new InputException("memory size p=" + p + " exceeds the numerical rank " + s.length
                        + " of Xi found by computeSVD");
            }
            Matrix v = svd.V();
            double[] up = new double[n * p];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < p; c++) {
                    up[r * p + c] = v.apply(r, c);
                }
            }
            double trace = Stages.described(sequences.context(), "LAES: trace",
                    () -> sequences.map(seq -> prefixEnergy(seq, mu)).reduce(Double::sum));
            LOG.info("LAES literal SVD of Xi ({} x {}) in {} ms", stats.totalSteps(), n,
                    (System.nanoTime() - start) / 1_000_000);
            double orthonormality = LaesChecks.requireOrthonormal(up, n, p);
            return new LaesComponents(up, n, p, s, trace, new LaesChecks.EigenFigures(orthonormality, Double.NaN));
        } finally {
            rows.unpersist(false);
        }
    }

    /** xi_1 .. xi_n of one centred sequence, produced one at a time. */
    static Iterator<Vector> prefixRows(double[] centred, int k, int width) {
        int steps = centred.length / k;
        return new Iterator<>() {
            private int t = 0;

            @Override
            public boolean hasNext() {
                return t < steps;
            }

            @Override
            public Vector next() {
                if (t >= steps) {
                    throw new NoSuchElementException();
                }
                double[] xi = new double[width];
                for (int j = 0; j <= t; j++) { // block j holds x_{t-j} (0-based steps)
                    System.arraycopy(centred, (t - j) * k, xi, j * k, k);
                }
                t++;
                return Vectors.dense(xi);
            }
        };
    }

    /** sum_t ||xi_t||^2 = sum over steps t (0-based) of (n - t) ||x_t - mu||^2: this sequence's part of trace(G). */
    static double prefixEnergy(double[] sequence, double[] mu) {
        int k = mu.length;
        int steps = sequence.length / k;
        double energy = 0;
        for (int t = 0; t < steps; t++) {
            double sq = 0;
            for (int f = 0; f < k; f++) {
                double c = sequence[t * k + f] - mu[f];
                sq += c * c;
            }
            energy += (steps - t) * sq;
        }
        return energy;
    }
}
