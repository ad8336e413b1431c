package ai.laes.laes;

/**
 * A test oracle independent of the production solvers: the SVD X = V S U^T of a dense m x n matrix by
 * one-sided (Hestenes) Jacobi rotations, in plain Java, float64. Columns i &lt; j of a working copy W of X
 * are rotated until every pair is orthogonal (|w_i . w_j| &lt;= eps sqrt(|w_i|^2 |w_j|^2)); the same
 * rotations applied to the identity give U, and s_i = |w_i|. It never forms X^T X, so the singular values
 * keep their relative accuracy (no squared condition number) and nothing is shared with the Gram route
 * ({@link LaesGram}, {@link LaesSolver}) or MLlib's computeSVD (the literal route). Cost: O(m n^2) per sweep,
 * a handful of sweeps; meant for matrices of a few hundred rows and a few dozen columns.
 */
final class JacobiSvd {
    private static final double EPS = 1e-15;
    private static final int MAX_SWEEPS = 60;

    /** Singular values in decreasing order. */
    final double[] s;
    /** U (n x n, row-major [row][column]): column c is the right singular vector of s[c]. */
    final double[][] u;

    private JacobiSvd(double[] s, double[][] u) {
        this.s = s;
        this.u = u;
    }

    /** The SVD of {@code x} (m rows of n entries); throws if the sweeps do not converge. */
    static JacobiSvd of(double[][] x) {
        int m = x.length;
        int n = x[0].length;
        double[][] w = new double[n][m]; // columns of X
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                w[c][r] = x[r][c];
            }
        }
        double[][] v = new double[n][n]; // columns of U
        for (int c = 0; c < n; c++) {
            v[c][c] = 1;
        }
        boolean rotated = true;
        for (int sweep = 0; rotated; sweep++) {
            if (sweep == MAX_SWEEPS) {
                throw new IllegalStateException("one-sided Jacobi did not converge in " + MAX_SWEEPS + " sweeps");
            }
            rotated = false;
            for (int i = 0; i < n - 1; i++) {
                for (int j = i + 1; j < n; j++) {
                    double alpha = dot(w[i], w[i]);
                    double beta = dot(w[j], w[j]);
                    double gamma = dot(w[i], w[j]);
                    if (Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta) || gamma == 0) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(1 + t * t);
                    double sn = c * t;
                    rotate(w[i], w[j], c, sn);
                    rotate(v[i], v[j], c, sn);
                }
            }
        }
        Integer[] order = new Integer[n];
        double[] norms = new double[n];
        for (int c = 0; c < n; c++) {
            order[c] = c;
            norms[c] = Math.sqrt(dot(w[c], w[c]));
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(norms[b], norms[a]));
        double[] s = new double[n];
        double[][] u = new double[n][n];
        for (int c = 0; c < n; c++) {
            s[c] = norms[order[c]];
            for (int r = 0; r < n; r++) {
                u[r][c] = v[order[c]][r];
            }
        }
        return new JacobiSvd(s, u);
    }

    /** The number of singular values above {@code relative} times the largest. */
    int rank(double relative) {
        int r = 0;
        while (r < s.length && s[r] > relative * s[0]) {
            r++;
        }
        return r;
    }

    private static void rotate(double[] x, double[] y, double c, double s) {
        for (int r = 0; r < x.length; r++) {
            double a = x[r];
            double b = y[r];
            x[r] = c * a - s * b;
            y[r] = s * a + c * b;
        }
    }

    private static double dot(double[] x, double[] y) {
        double sum = 0;
        for (int r = 0; r < x.length; r++) {
            sum += x[r] * y[r];
        }
        return sum;
    }
}
