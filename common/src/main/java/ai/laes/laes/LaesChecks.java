package ai.laes.laes;

import ai.laes.numerics.NumericsCheckFailed;
import java.io.Serializable;
import java.util.Arrays;
import org.netlib.lapack.Dgeev;
import org.netlib.util.intW;

/**
 * The LAES checks its own mathematics before anything is written (a wrong library must fail loudly,
 * not produce a model). All figures are cheap next to the solve: O(n p^2) and O(n^2 p) for the
 * eigenpairs (n = Tk), O(p^3) for B.
 *
 * <ul>
 * <li>Orthonormality max|U_p^T U_p - I| and residual max_c ||G u_c - lambda_c u_c|| / lambda_1 (lambda_1 =
 * ||G||_2, G is positive semi-definite). A backward-stable eigensolver leaves both near n eps = 784 x 1.1e-16
 * = 1e-13 (measured: 6e-15 and 2e-15); the wrong eigenvectors of OpenBLAS's SkylakeX dsyev gave 3.1 and
 * 150 (absolute). The limit {@value #TOLERANCE} leaves five orders of magnitude on either side.
 * <li>Stability of the LAES about to be written: B = U_p^T R U_p with orthonormal U_p and ||R||_2 = 1, so
 * ||B||_2 &lt;= 1, and A A^T + B B^T = U_p^T (P P^T + R U_p U_p^T R^T) U_p &lt;= U_p^T U_p = I, so each
 * diagonal entry lies in [0, 1]. Both within 1 + {@value #TOLERANCE}. The spectral radius of B (at most
 * ||B||_2) is recorded: above 1 the encoder explodes over long sequences (1.066 was seen with the wrong
 * eigenvectors, and a reconstruction MSE of 1e82).
 * </ul>
 */
public final class LaesChecks {
    /** Limit of the orthonormality error, the relative residual and the excess of ||B||_2 over 1. */
    public static final double TOLERANCE = 1e-8;

    /** Figures of a checked eigendecomposition; residual NaN where G was never formed (the literal route). */
    public record EigenFigures(double orthonormalityError, double residual) implements Serializable {
    }

    /** Figures of a checked LAES: ||B||_2, rho(B) and the extreme diagonal entries of A A^T + B B^T. */
    public record StabilityFigures(double spectralNormB, double spectralRadiusB, double diagMin,
            double diagMax) implements Serializable {
    }

    private LaesChecks() {
    }

    /**
     * Checks the top p eigenpairs of G (row-major n x n): {@code up} row-major n x p, {@code eigenvalues}
     * decreasing (at least p). Throws {@link NumericsCheckFailed} naming the failed figure.
     */
    public static EigenFigures eigen(double[] g, int n, double[] up, int p, double[] eigenvalues) {
        double orthonormality = requireOrthonormal(up, n, p);
        double scale = Math.max(eigenvalues[0], Double.MIN_NORMAL);
        double residual = 0;
        double[] gu = new double[n];
        for (int c = 0; c < p; c++) {
            Arrays.fill(gu, 0);
            for (int r = 0; r < n; r++) {
                double urc = up[r * p + c];
                int row = r * n;
                for (int i = 0; i < n; i++) { // G symmetric: (G u)_i += G[r][i] u_r
                    gu[i] += g[row + i] * urc;
                }
            }
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double d = gu[i] - eigenvalues[c] * up[i * p + c];
                sq += d * d;
            }
            residual = Math.max(residual, Math.sqrt(sq) / scale);
            if (!(residual <= TOLERANCE)) {
                break;
            }
        }
        require("eigen residual", "max_c ||G u_c - lambda_c u_c|| / lambda_1", residual);
        return new EigenFigures(orthonormality, residual);
    }

    /** Checks max|U^T U - I| &lt;= {@link #TOLERANCE} for a row-major n x p matrix and returns it. */
    public static double requireOrthonormal(double[] up, int n, int p) {
        double error = orthonormalityError(up, n, p);
        require("eigenvector orthonormality", "max|U_p^T U_p - I|", error);
        return error;
    }

    /** max|U^T U - I| of a row-major n x p matrix; NaN if any entry is not finite. */
    static double orthonormalityError(double[] up, int n, int p) {
        double worst = 0;
        for (int a = 0; a < p; a++) {
            for (int b = a; b < p; b++) {
                double dot = 0;
                for (int r = 0; r < n; r++) {
                    dot += up[r * p + a] * up[r * p + b];
                }
                double e = Math.abs(dot - (a == b ? 1 : 0));
                if (!(e <= worst)) {
                    worst = Double.isNaN(e) ? Double.NaN : e;
                    if (Double.isNaN(worst)) {
                        return worst;
                    }
                }
            }
        }
        return worst;
    }

    /** Checks ||B||_2 &lt;= 1 and diag(A A^T + B B^T) in [0, 1] (within {@link #TOLERANCE}); A is p x k, B p x p. */
    public static StabilityFigures stability(double[][] a, double[][] b) {
        int p = b.length;
        double norm = spectralNorm(b);
        require("LAES stability", "||B||_2 - 1", norm - 1);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p; i++) {
            double e = 0;
            for (double v : a[i]) {
                e += v * v;
            }
            for (double v : b[i]) {
                e += v * v;
            }
            min = Math.min(min, e);
            max = Math.max(max, e);
        }
        require("LAES stability", "max diag(A A^T + B B^T) - 1", max - 1);
        return new StabilityFigures(norm, spectralRadius(b), min, max);
    }

    /**
     * The largest singular value: sqrt of the largest eigenvalue of M^T M (LAPACK dsyevr in pure Java), found
     * alone by bisection (dstebz). That bisection fails (an ArrayIndexOutOfBoundsException inside F2J's dstebz)
     * on some matrices whose top eigenvalues are equal to rounding, which is what B^T B is when p approaches
     * the rank of Xi: most singular values of B are then 1. Measured: 2 of 60 fits of a ragged k = 3 set at
     * p = rank(Xi) = 25, and 252 of 3,000 random 25 x 25 matrices with 22 singular values 1. Only then are all
     * eigenvalues computed instead (dsterf, no bisection); every other result is unchanged.
     */
    static double spectralNorm(double[][] m) {
        int rows = m.length;
        int p = m[0].length;
        double[] mtm = new double[p * p];
        for (double[] row : m) {
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    mtm[a * p + b] += row[a] * row[b];
                }
            }
        }
        return rows == 0 ? 0 : Math.sqrt(Math.max(largestEigenvalue(mtm, p), 0));
    }

    /** The largest eigenvalue of a symmetric p x p matrix: alone by bisection, or among all if bisection fails. */
    private static double largestEigenvalue(double[] symmetric, int p) {
        try {
            return LaesSolver.dsyevr(symmetric, p, "N", p, p, null)[0];
        } catch (ArrayIndexOutOfBoundsException | IllegalStateException bisectionFailed) {
            return LaesSolver.dsyevr(symmetric, p, "N", 1, p, null)[p - 1]; // ascending
        }
    }

    /** max |eigenvalue| (LAPACK dgeev in pure Java). */
    static double spectralRadius(double[][] m) {
        int p = m.length;
        double[] a = columnMajor(m);
        double[] wr = new double[p];
        double[] wi = new double[p];
        double[] none = new double[1];
        double[] work = new double[1];
        intW info = new intW(0);
        Dgeev.dgeev("N", "N", p, a, 0, p, wr, 0, wi, 0, none, 0, 1, none, 0, 1, work, 0, -1, info);
        work = new double[(int) work[0]];
        Dgeev.dgeev("N", "N", p, a, 0, p, wr, 0, wi, 0, none, 0, 1, none, 0, 1, work, 0, work.length, info);
        if (info.val != 0) {
            return Double.NaN;
        }
        double r = 0;
        for (int i = 0; i < p; i++) {
            r = Math.max(r, Math.hypot(wr[i], wi[i]));
        }
        return r;
    }

    private static double[] columnMajor(double[][] m) {
        int rows = m.length;
        int cols = m[0].length;
        double[] a = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                a[c * rows + r] = m[r][c];
            }
        }
        return a;
    }

    /** Throws unless {@code value} &lt;= {@link #TOLERANCE} (NaN fails). */
    private static void require(String check, String figure, double value) {
        if (!(value <= TOLERANCE)) {
            throw NumericsCheckFailed.of(check, figure, value, "<= " + TOLERANCE);
        }
    }
}
