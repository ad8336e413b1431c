package ai.laes.laes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.io.InputException;
import ai.laes.spark.SparkTestBase;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

class LaesFitTest extends SparkTestBase {

    @Test
    void gramRouteAndLiteralSvdRouteGiveTheSameLaes() {
        int k = 2;
        List<double[]> seqs = new SyntheticSequences(21, k).generate(30, 3, 8);
        JavaRDD<double[]> rdd = jsc.parallelize(seqs, 3);
        int p = 5;
        LaesModel gram = Laes.fit(rdd, k, p, SvdRoute.GRAM, GramRoute.BLOCKED);
        LaesModel xi = Laes.fit(rdd, k, p, SvdRoute.XI, GramRoute.BLOCKED);

        double[] sg = gram.singularValues();
        double[] sx = xi.singularValues();
        assertEquals(16, sg.length, "the Gram route keeps all Tk singular values");
        for (int c = 0; c < p; c++) {
            assertEquals(sx[c], sg[c], 1e-8 * sx[c], "singular value " + c);
        }
        assertEquals(xi.explainedVarianceRatio(), gram.explainedVarianceRatio(), 1e-10);

        double[][] ag = gram.a();
        double[][] ax = xi.a();
        double[] sign = new double[p];
        for (int c = 0; c < p; c++) {
            double dot = 0;
            for (int f = 0; f < k; f++) {
                dot += ag[c][f] * ax[c][f];
            }
            sign[c] = Math.signum(dot);
            for (int f = 0; f < k; f++) {
                assertEquals(ax[c][f], sign[c] * ag[c][f], 1e-7, "A[" + c + "][" + f + "]");
            }
        }
        double[][] bg = gram.b();
        double[][] bx = xi.b();
        for (int c = 0; c < p; c++) {
            for (int d = 0; d < p; d++) {
                assertEquals(bx[c][d], sign[c] * sign[d] * bg[c][d], 1e-7, "B[" + c + "][" + d + "]");
            }
        }
    }

    @Test
    void signConventionMakesFitsReproducibleAcrossRoutesAndPartitionings() {
        int k = 3;
        List<double[]> seqs = new SyntheticSequences(8, k).generate(40, 2, 6);
        LaesModel one = Laes.fit(jsc.parallelize(seqs, 2), k, 6, SvdRoute.GRAM, GramRoute.BLOCKED);
        LaesModel two = Laes.fit(jsc.parallelize(seqs, 5), k, 6, SvdRoute.GRAM, GramRoute.ROW_MATRIX);
        assertArrayEquals(BruteForce.flatten(one.a()), BruteForce.flatten(two.a()), 1e-9);
        assertArrayEquals(BruteForce.flatten(one.b()), BruteForce.flatten(two.b()), 1e-9);
    }

    @Test
    void fullRankLaesIsAnExactAutoencoder() {
        int k = 2;
        int tSteps = 5;
        List<double[]> seqs = new SyntheticSequences(4, k).generate(25, 2, tSteps);
        JavaRDD<double[]> rdd = jsc.parallelize(seqs, 2);
        LaesModel model = Laes.fit(rdd, k, tSteps * k);
        assertEquals(tSteps, model.maxSteps());

        // A A^T + B B^T = I
        double[][] a = model.a();
        double[][] b = model.b();
        int p = model.memorySize();
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                double v = 0;
                for (int f = 0; f < k; f++) {
                    v += a[i][f] * a[j][f];
                }
                for (int q = 0; q < p; q++) {
                    v += b[i][q] * b[j][q];
                }
                assertEquals(i == j ? 1.0 : 0.0, v, 1e-9, "(A A^T + B B^T)[" + i + "][" + j + "]");
            }
        }
        // every sequence decodes back exactly, newest first
        for (double[] s : seqs) {
            int n = s.length / k;
            double[][] decoded = model.decode(model.finalState(s), n);
            for (int d = 0; d < n; d++) {
                for (int f = 0; f < k; f++) {
                    assertEquals(s[(n - 1 - d) * k + f], decoded[d][f], 1e-9);
                }
            }
        }
        assertEquals(1.0, model.explainedVarianceRatio(), 1e-12);
        double[] mse = model.reconstructionMsePerLag(rdd, jsc);
        for (double e : mse) {
            assertTrue(e < 1e-18, "full-rank reconstruction error " + e);
        }
    }

    @Test
    void belowFullRankTheOldestLagsCarryTheError() {
        int tSteps = 40;
        List<double[]> seqs = new SyntheticSequences(17, 1).generate(150, tSteps, tSteps);
        JavaRDD<double[]> rdd = jsc.parallelize(seqs, 2).cache();
        LaesModel model = Laes.fit(rdd, 1, 8);
        double[] mse = model.reconstructionMsePerLag(rdd, jsc);
        double[] baseline = ReconstructionError.meanBaselinePerLag(model.mu(), tSteps, rdd);
        // fraction of each lag's variance (about mu) that the p = 8 memory fails to reconstruct
        double[] unexplained = new double[tSteps];
        for (int d = 0; d < tSteps; d++) {
            unexplained[d] = mse[d] / baseline[d];
        }
        double newest = mean(unexplained, 0, 10);
        double oldest = mean(unexplained, tSteps - 5, tSteps);
        assertTrue(newest < 0.3, "LAES should beat the mean on recent steps: " + newest);
        assertTrue(oldest > 3 * newest, "oldest-lag relative MSE " + oldest + " vs newest " + newest);
        assertTrue(model.explainedVarianceRatio() < 1 && model.sigmaRatio() < 1);

        // the distributed, batched decoder agrees with the one-sequence decoder
        double[] sums = new double[tSteps];
        for (double[] s : seqs) {
            double[][] decoded = model.decode(model.finalState(s), tSteps);
            for (int d = 0; d < tSteps; d++) {
                double diff = decoded[d][0] - s[tSteps - 1 - d];
                sums[d] += diff * diff;
            }
        }
        for (int d = 0; d < tSteps; d++) {
            assertEquals(sums[d] / seqs.size(), mse[d], 1e-9 * mse[d], "lag " + d);
        }
        rdd.unpersist();
    }

    @Test
    void batchedEncoderMatchesTheRecurrenceForVariableLengths() {
        int k = 3;
        List<double[]> seqs = new SyntheticSequences(9, k).generate(300, 1, 12);
        LaesModel model = Laes.fit(jsc.parallelize(seqs, 2), k, 7);
        double[][] batched = model.finalStates(seqs);
        List<double[]> distributed = model.finalStates(jsc.parallelize(seqs, 3)).collect();
        for (int i = 0; i < seqs.size(); i++) {
            double[] single = model.finalState(seqs.get(i));
            assertArrayEquals(single, batched[i], 1e-10);
            assertArrayEquals(single, distributed.get(i), 1e-10);
        }
    }

    @Test
    void badMemorySizesAreRejected() {
        int k = 3;
        JavaRDD<double[]> rdd = jsc.parallelize(List.of(new double[6], new double[]{1, 2, 3}), 1); // T=2, 3 steps
        for (int p : new int[]{0, -2}) {
            InputException e = assertThrows(InputException.class, () -> Laes.fit(rdd, k, p));
            assertTrue(e.getMessage().contains("memory size p=" + p) && e.getMessage().contains("positive"),
                    e.getMessage());
        }
        InputException wide = assertThrows(InputException.class, () -> Laes.fit(rdd, k, 7));
        assertTrue(wide.getMessage().contains("p=7") && wide.getMessage().contains("T*k=6"), wide.getMessage());
        InputException rows = assertThrows(InputException.class, () -> Laes.fit(rdd, k, 4));
        assertTrue(rows.getMessage().contains("p=4") && rows.getMessage().contains("3 time steps"), rows.getMessage());
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }
}
