package ai.laes.lmn.init;

import java.util.Random;

/** Seeded random matrices in plain doubles: Xavier-normal and Haar-orthogonal. */
public final class RandomMatrices {
    private RandomMatrices() {
    }

    /** rows x cols Gaussian with std sqrt(2 / (fanIn + fanOut)), fanIn = cols, fanOut = rows. */
    public static double[][] xavier(Random rnd, int rows, int cols) {
        double std = Math.sqrt(2.0 / (rows + cols));
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = std * rnd.nextGaussian();
            }
        }
        return m;
    }

    /**
     * Q of the QR decomposition, with positive diagonal R, of an n x n standard Gaussian matrix (such a
     * Q is Haar distributed). Gram-Schmidt on the columns, each projection done twice for accuracy;
     * it yields the positive-diagonal factorisation directly.
     */
    public static double[][] orthogonal(Random rnd, int n) {
        double[][] g = new double[n][n];
        for (double[] row : g) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        double[][] q = new double[n][n]; // q[j] = column j
        for (int j = 0; j < n; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = g[i][j];
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[p][i] * v[i];
                    }
                    for (int i = 0; i < n; i++) {
                        v[i] -= dot * q[p][i];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            if (!(norm > 0)) {
                throw new IllegalStateException("orthogonal: rank-deficient Gaussian matrix (probability zero)");
            }
            for (int i = 0; i < n; i++) {
                q[j][i] = v[i] / norm;
            }
        }
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = q[j][i];
            }
        }
        return m;
    }

    public static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }
}
