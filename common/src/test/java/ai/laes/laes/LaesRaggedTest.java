package ai.laes.laes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.spark.SparkTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The LAES on ragged, multivariate data against a brute force that shares no code with either production
 * route: 40 sequences of k = 3 features, lengths 1..9 (several repeated, the longest unique), end-aligned.
 * The oracle builds Xi literally ({@link BruteForce#xi}: every prefix of every sequence, centred by the
 * length-weighted mean {@link BruteForce#mean}), takes its SVD by one-sided Jacobi ({@link JacobiSvd}, never
 * forming Xi^T Xi), and reads A = U_p^T P and B = U_p^T R U_p off it with explicit P and R. Production:
 * {@link Laes#fit} through the Gram route (SequenceMean, SequenceGram, LaesGram, LaesSolver) and through the
 * literal route (SequenceMean, XiRoute, MLlib computeSVD); its reconstruction error by
 * {@link ReconstructionError}, the oracle's by the recurrences themselves.
 *
 * <p>With a unique longest sequence the oldest block of Xi has one nonzero row, so its k columns are
 * parallel: rank(Xi) = Tk - (k - 1) = 25 here, and p = 25 is the full rank that makes sense.
 */
class LaesRaggedTest extends SparkTestBase {
    private static final int K = 3;
    private static final int SEQUENCES = 40;
    private static final int LONGEST = 9;
    private static final double TOLERANCE = 1e-9;

    private static List<double[]> sequences;
    private static double[] mu;
    private static JacobiSvd oracle;

    @BeforeAll
    static void bruteForce() {
        sequences = raggedSequences(2026);
        mu = BruteForce.mean(sequences, K);
        double[][] xi = BruteForce.xi(sequences, K, mu);
        oracle = JacobiSvd.of(xi);
        checkOracle(xi, oracle);
    }

    @ParameterizedTest(name = "p={0} ({1})")
    @CsvSource({"5, below full rank", "25, full rank of Xi"})
    void bothRoutesEqualTheBruteForceOnRaggedMultivariateData(int p, String what) {
        assertEquals(LONGEST * K - (K - 1), oracle.rank(1e-10), "rank of Xi with a unique longest sequence");
        for (int c = 0; c < p; c++) { // distinct singular values, and a gap after the p-th: U_p is unique up to signs
            assertTrue(oracle.s[c] - oracle.s[c + 1] > 1e-3 * oracle.s[0], "gap after s_" + c);
        }
        double[][] a = BruteForce.laesA(oracle.u, K, p);
        double[][] b = BruteForce.laesB(oracle.u, K, p);
        double[] mse = BruteForce.reconstructionMsePerLag(sequences, a, b, mu, LONGEST);

        JavaRDD<double[]> rdd = jsc.parallelize(sequences, 3);
        for (SvdRoute route : SvdRoute.values()) {
            LaesModel model = Laes.fit(rdd, K, p, route, GramRoute.BLOCKED);
            String label = route + " route, p=" + p;
            assertEquals(LONGEST, model.maxSteps(), label);
            assertEquals(0, maxAbsDifference(mu, model.mu()), 1e-14, label + ": mu");
            double[] s = model.singularValues();
            for (int c = 0; c < p; c++) {
                assertEquals(oracle.s[c], s[c], TOLERANCE * oracle.s[c], label + ": s_" + c);
            }
            double[] errors = abErrors(a, b, model);
            double aError = errors[0];
            double bError = errors[1];
            double[] produced = ReconstructionError.perLag(model, rdd, jsc);
            double mseError = maxAbsDifference(mse, produced);
            System.out.printf("LaesRaggedTest %s: max|A - A_bf| %.2e, max|B - B_bf| %.2e,"
                    + " max|MSE - MSE_bf| %.2e (MSE_bf from %.3e to %.3e)%n", label, aError, bError, mseError,
                    Arrays.stream(mse).min().orElseThrow(), Arrays.stream(mse).max().orElseThrow());
            assertTrue(aError <= TOLERANCE, label + ": max|A - A_bf| = " + aError);
            assertTrue(bError <= TOLERANCE, label + ": max|B - B_bf| = " + bError);
            assertTrue(mseError <= TOLERANCE, label + ": reconstruction error per lag differs by " + mseError);
        }
        if (p == 25) {
            for (double e : mse) { // at the rank of Xi the LAES decodes every training prefix exactly
                assertTrue(e < 1e-20, "full-rank reconstruction error " + e);
            }
        } else {
            assertTrue(mse[LONGEST - 1] > 1e-2, "below full rank the oldest lag is not reconstructed");
        }
    }

    /**
     * With center = false the LAES is that of the raw inputs: the brute force's Xi of the uncentred prefixes (mu = 0),
     * through both routes. On this data (offsets 1.5, -0.5, 3) it differs from the centred LAES.
     */
    @ParameterizedTest(name = "{0} route")
    @CsvSource({"GRAM", "XI"})
    void withoutCentringBothRoutesEqualTheBruteForceOfTheRawInputs(SvdRoute route) {
        int p = 5;
        double[] zero = new double[K];
        JacobiSvd raw = JacobiSvd.of(BruteForce.xi(sequences, K, zero));
        for (int c = 0; c < p; c++) {
            assertTrue(raw.s[c] - raw.s[c + 1] > 1e-3 * raw.s[0], "gap after s_" + c);
        }
        double[][] a = BruteForce.laesA(raw.u, K, p);
        double[][] b = BruteForce.laesB(raw.u, K, p);
        LaesModel model = Laes.fit(jsc.parallelize(sequences, 3), K, p, route, GramRoute.BLOCKED, EigenSolver.NETLIB,
                new ai.laes.spark.Stages(), Runtime.getRuntime().maxMemory(), false);
        assertEquals(0, maxAbsDifference(zero, model.mu()), "mu = 0");
        for (int c = 0; c < p; c++) {
            assertEquals(raw.s[c], model.singularValues()[c], TOLERANCE * raw.s[0], "s_" + c);
        }
        double[] errors = abErrors(a, b, model);
        assertTrue(errors[0] <= TOLERANCE && errors[1] <= TOLERANCE, "max|A - A_bf|, max|B - B_bf| = "
                + Arrays.toString(errors));
        assertTrue(Math.abs(raw.s[0] - oracle.s[0]) > 1e-3 * oracle.s[0], "centring changes the LAES here");
        double[] mse = BruteForce.reconstructionMsePerLag(sequences, a, b, zero, LONGEST);
        double mseError = maxAbsDifference(mse, ReconstructionError.perLag(model, jsc.parallelize(sequences, 3), jsc));
        assertTrue(mseError <= TOLERANCE, "reconstruction error per lag differs by " + mseError);
    }

    /** max|A - A_oracle| and max|B - B_oracle| of {@code model}, each column's sign matched to the oracle's. */
    private static double[] abErrors(double[][] a, double[][] b, LaesModel model) {
        int p = b.length;
        double[] signs = signs(a, b, model.a(), model.b());
        double aError = 0;
        double bError = 0;
        for (int c = 0; c < p; c++) {
            for (int f = 0; f < K; f++) {
                aError = Math.max(aError, Math.abs(model.a()[c][f] - signs[c] * a[c][f]));
            }
            for (int d = 0; d < p; d++) {
                bError = Math.max(bError, Math.abs(model.b()[c][d] - signs[c] * signs[d] * b[c][d]));
            }
        }
        return new double[] {aError, bError};
    }

    /**
     * 40 sequences, k = 3: lengths drawn from 1..8 (so repeated), one of length 9 placed in the middle;
     * values a per-feature AR(1) with cross-feature noise, offsets and scales, so centring matters.
     */
    static List<double[]> raggedSequences(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] offset = {1.5, -0.5, 3.0};
        double[] scale = {1.0, 0.5, 2.0};
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < SEQUENCES; i++) {
            int n = i == SEQUENCES / 2 ? LONGEST : i == 0 ? 1 : 1 + rng.nextInt(LONGEST - 1);
            double[] s = new double[n * K];
            double[] previous = new double[K];
            for (int t = 0; t < n; t++) {
                double[] noise = {rng.nextDouble() - 0.5, rng.nextDouble() - 0.5, rng.nextDouble() - 0.5};
                for (int f = 0; f < K; f++) {
                    double v = 0.6 * previous[f] + noise[f] + 0.5 * noise[(f + 1) % K];
                    previous[f] = v;
                    s[t * K + f] = offset[f] + scale[f] * v;
                }
            }
            out.add(s);
        }
        int[] counts = new int[LONGEST + 1];
        out.forEach(s -> counts[s.length / K]++);
        assertEquals(1, counts[LONGEST], "the longest length is unique");
        assertTrue(counts[1] > 0, "a sequence of one step");
        assertTrue(Arrays.stream(counts).max().orElseThrow() > 1, "some lengths repeat");
        return out;
    }

    /** The oracle itself: U orthogonal and Xi U with orthogonal columns of norms s. */
    private static void checkOracle(double[][] xi, JacobiSvd svd) {
        int n = svd.u.length;
        double[][] ut = new double[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                ut[c][r] = svd.u[r][c];
            }
        }
        double[][] utu = BruteForce.product(ut, svd.u);
        double[][] xu = BruteForce.product(xi, svd.u);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(i == j ? 1 : 0, utu[i][j], 1e-13, "U^T U");
                double dot = 0;
                for (double[] row : xu) {
                    dot += row[i] * row[j];
                }
                assertEquals(i == j ? svd.s[i] * svd.s[i] : 0, dot, 1e-12 * svd.s[0] * svd.s[0], "(Xi U)^T (Xi U)");
            }
        }
    }

    /**
     * The sign of each production column against the oracle's: from A where its row is not negligible,
     * otherwise from an entry of B linking it to a column whose sign is known (B[c][d] flips with s_c s_d).
     */
    private static double[] signs(double[][] aOracle, double[][] bOracle, double[][] a, double[][] b) {
        int p = b.length;
        double[] signs = new double[p];
        for (int c = 0; c < p; c++) {
            double dot = 0;
            for (int f = 0; f < K; f++) {
                dot += aOracle[c][f] * a[c][f];
            }
            signs[c] = Math.abs(dot) > 1e-6 ? Math.signum(dot) : 0;
        }
        for (boolean progress = true; progress; ) {
            progress = false;
            for (int c = 0; c < p; c++) {
                for (int d = 0; d < p && signs[c] == 0; d++) {
                    double link = bOracle[c][d] * b[c][d] + bOracle[d][c] * b[d][c];
                    if (signs[d] != 0 && d != c && Math.abs(link) > 1e-6) {
                        signs[c] = Math.signum(link) * signs[d];
                        progress = true;
                    }
                }
            }
        }
        for (int c = 0; c < p; c++) {
            assertTrue(signs[c] != 0, "the sign of component " + c + " is not determined");
        }
        return signs;
    }

    private static double maxAbsDifference(double[] x, double[] y) {
        assertEquals(x.length, y.length);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        return worst;
    }
}
