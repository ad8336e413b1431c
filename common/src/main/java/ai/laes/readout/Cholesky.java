package ai.laes.readout;

/** Solves S X = Y for symmetric positive definite S (n x n) and Y (n x m), row-major, float64. */
public final class Cholesky {
    private Cholesky() {
    }

    public static double[] solve(double[] s, int n, double[] y, int m) {
        double[] l = new double[n * n]; // S = L L^T
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = s[i * n + j];
                for (int q = 0; q < j; q++) {
                    v -= l[i * n + q] * l[j * n + q];
                }
                if (i == j) {
                    if (!(v > 0)) {
                        throw new ArithmeticException("normal equations are not positive definite (pivot "
                                + i + " = " + v + "); increase the ridge");
                    }
                    l[i * n + i] = Math.sqrt(v);
                } else {
                    l[i * n + j] = v / l[j * n + j];
                }
            }
        }
        double[] x = y.clone();
        for (int col = 0; col < m; col++) {
            for (int i = 0; i < n; i++) { // L u = y
                double v = x[i * m + col];
                for (int q = 0; q < i; q++) {
                    v -= l[i * n + q] * x[q * m + col];
                }
                x[i * m + col] = v / l[i * n + i];
            }
            for (int i = n - 1; i >= 0; i--) { // L^T x = u
                double v = x[i * m + col];
                for (int q = i + 1; q < n; q++) {
                    v -= l[q * n + i] * x[q * m + col];
                }
                x[i * m + col] = v / l[i * n + i];
            }
        }
        return x;
    }
}
