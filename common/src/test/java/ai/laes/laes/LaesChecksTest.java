package ai.laes.laes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.numerics.NumericsCheckFailed;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checks of the eigendecomposition and of the LAES's stability: a right decomposition passes with
 * figures near rounding, deliberately corrupted ones are refused with one line naming the check.
 */
class LaesChecksTest {
    private static final int N = 120;
    private static final int P = 16;

    /** G = X^T X for a seeded 400 x N X with decaying column scales (a spread spectrum like MNIST's). */
    static double[] gram() {
        Random r = new Random(7);
        int rows = 400;
        double[] x = new double[rows * N];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian() / (1 + (i % N) * 0.1);
        }
        double[] g = new double[N * N];
        for (int i = 0; i < rows; i++) {
            for (int a = 0; a < N; a++) {
                for (int b = 0; b < N; b++) {
                    g[a * N + b] += x[i * N + a] * x[i * N + b];
                }
            }
        }
        return g;
    }

    @Test
    void theNetlibDecompositionPassesWithFiguresNearRounding() {
        LaesComponents c = LaesSolver.topComponents(gram(), N, P, EigenSolver.NETLIB);
        assertTrue(c.checked().orthonormalityError() < 1e-12, "orthonormality " + c.checked().orthonormalityError());
        assertTrue(c.checked().residual() < 1e-12, "residual " + c.checked().residual());
    }

    /** Eigenvalues (decreasing) and U_p of the netlib solve, re-derived for corruption. */
    private static double[] eigenvalues(LaesComponents c) {
        double[] s = c.singularValues();
        double[] l = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            l[i] = s[i] * s[i];
        }
        return l;
    }

    @Test
    void rotatedEigenvectorsAreOrthonormalButFailTheResidual() {
        double[] g = gram();
        LaesComponents c = LaesSolver.topComponents(g, N, P, EigenSolver.NETLIB);
        double[] up = c.up();
        double cos = Math.cos(0.3);
        double sin = Math.sin(0.3);
        for (int r = 0; r < N; r++) { // rotate components 0 and 1 in their plane: still orthonormal
            double u0 = up[r * P];
            double u1 = up[r * P + 1];
            up[r * P] = cos * u0 - sin * u1;
            up[r * P + 1] = sin * u0 + cos * u1;
        }
        NumericsCheckFailed e = assertThrows(NumericsCheckFailed.class,
                () -> LaesChecks.eigen(g, N, up, P, eigenvalues(c)));
        assertTrue(e.getMessage().startsWith("numerics check 'eigen residual' failed"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void nonOrthonormalOrNonFiniteEigenvectorsFailOrthonormality() {
        double[] g = gram();
        LaesComponents c = LaesSolver.topComponents(g, N, P, EigenSolver.NETLIB);
        double[] scaled = c.up();
        for (int r = 0; r < N; r++) {
            scaled[r * P + 3] *= 1.001;
        }
        NumericsCheckFailed e = assertThrows(NumericsCheckFailed.class,
                () -> LaesChecks.eigen(g, N, scaled, P, eigenvalues(c)));
        assertTrue(e.getMessage().contains("eigenvector orthonormality"), e.getMessage());
        double[] nan = c.up();
        nan[5] = Double.NaN;
        assertThrows(NumericsCheckFailed.class, () -> LaesChecks.eigen(g, N, nan, P, eigenvalues(c)));
    }

    @Test
    void aStableLaesPassesAndAnExpandingMemoryIsRefused() {
        double[][] a = {{0.6}, {0.0}};
        double[][] b = {{0.0, 0.0}, {0.8, 0.0}}; // A A^T + B B^T = diag(0.36, 0.64)
        LaesChecks.StabilityFigures f = LaesChecks.stability(a, b);
        assertTrue(Math.abs(f.spectralNormB() - 0.8) < 1e-12, "||B||_2 " + f.spectralNormB());
        assertTrue(f.spectralRadiusB() < 1e-12, "rho(B) " + f.spectralRadiusB());
        assertTrue(Math.abs(f.diagMax() - 0.64) < 1e-12 && Math.abs(f.diagMin() - 0.36) < 1e-12);

        double[][] expanding = {{1.03, 0.0}, {0.0, 0.5}};
        NumericsCheckFailed e = assertThrows(NumericsCheckFailed.class, () -> LaesChecks.stability(a, expanding));
        assertTrue(e.getMessage().contains("||B||_2 - 1"), e.getMessage());
        double[][] tooMuchEnergy = {{0.9}, {0.0}};
        double[][] b2 = {{0.5, 0.0}, {0.0, 0.5}}; // row 0: 0.81 + 0.25 > 1 while ||B||_2 = 0.5
        e = assertThrows(NumericsCheckFailed.class, () -> LaesChecks.stability(tooMuchEnergy, b2));
        assertTrue(e.getMessage().contains("diag(A A^T + B B^T)"), e.getMessage());
    }

    @Test
    void theSpectralRadiusOfARotationIsOne() {
        double[][] rotation = {{0.0, -1.0}, {1.0, 0.0}};
        assertTrue(Math.abs(LaesChecks.spectralRadius(rotation) - 1) < 1e-12);
        assertTrue(Math.abs(LaesChecks.spectralNorm(new double[][] {{3, 0}, {4, 0}}) - 5) < 1e-12);
    }

    /**
     * Near the rank of Xi most singular values of B are 1, and F2J's bisection for the largest eigenvalue of
     * B^T B alone (dstebz) can fail on such a cluster; the norm then comes from all eigenvalues. This B has 22
     * singular values 1 and three of 1e-8 to 3e-8 (random orthogonal factors, seed 13: one of 252 failing
     * seeds out of 3,000).
     */
    @Test
    void theSpectralNormSurvivesAClusterOfUnitSingularValues() {
        int p = 25;
        double[][] b = nearIsometry(13, p);
        double[] btb = new double[p * p];
        for (double[] row : b) {
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    btb[i * p + j] += row[i] * row[j];
                }
            }
        }
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> LaesSolver.dsyevr(btb, p, "N", p, p, null),
                "this B no longer trips F2J's dstebz: the fallback is untested, find another seed");
        assertEquals(1.0, LaesChecks.spectralNorm(b), 1e-13);
        assertEquals(1.0, LaesChecks.stability(new double[p][1], b).spectralNormB(), 1e-13);
    }

    /** Q diag(1 x (p-3), 1e-8, 2e-8, 3e-8) W^T with Q, W orthogonal (Gram-Schmidt of seeded Gaussians). */
    private static double[][] nearIsometry(long seed, int p) {
        Random r = new Random(seed);
        double[][] q = orthogonal(r, p);
        double[][] w = orthogonal(r, p);
        double[][] b = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                for (int c = 0; c < p; c++) {
                    double sigma = c < p - 3 ? 1 : 1e-8 * (c - p + 4);
                    b[i][j] += q[i][c] * sigma * w[j][c];
                }
            }
        }
        return b;
    }

    /** Columns orthonormalised by classical Gram-Schmidt, applied twice. */
    private static double[][] orthogonal(Random r, int p) {
        double[][] a = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                a[i][j] = r.nextGaussian();
            }
        }
        for (int j = 0; j < p; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int c = 0; c < j; c++) {
                    double d = 0;
                    for (int i = 0; i < p; i++) {
                        d += a[i][c] * a[i][j];
                    }
                    for (int i = 0; i < p; i++) {
                        a[i][j] -= d * a[i][c];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < p; i++) {
                norm += a[i][j] * a[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < p; i++) {
                a[i][j] /= norm;
            }
        }
        return a;
    }
}
