package ai.laes.numerics;

import java.util.Random;

/**
 * Seeded random matrices and vectors in plain doubles, drawn as PyTorch's initialisers draw them (the reference
 * implementation's distributions, redrawn with our own generator): Xavier-normal with a gain, Haar-orthogonal,
 * standard normal and scaled uniform.
 */
public final class RandomMatrices {
    private RandomMatrices() {
    }

    /**
     * rows x cols Gaussian with std {@code gain * sqrt(2 / (fanIn + fanOut))}, fanIn = cols, fanOut = rows: PyTorch's
     * {@code torch.nn.init.xavier_normal_(w, gain)} for a weight of shape [rows, cols].
     */
    public static double[][] xavierNormal(Random rnd, int rows, int cols, double gain) {
        double std = gain * Math.sqrt(2.0 / (rows + cols));
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = std * rnd.nextGaussian();
            }
        }
        return m;
    }

    /** n independent N(0, scale^2) values: PyTorch's {@code scale * torch.randn(n)}. */
    public static double[] gaussian(Random rnd, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * rnd.nextGaussian();
        }
        return v;
    }

    /** n independent U(0, scale) values: PyTorch's {@code scale * torch.rand(n)}. */
    public static double[] uniform(Random rnd, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * rnd.nextDouble();
        }
        return v;
    }

    /**
     * Q of the QR decomposition, with positive diagonal R, of an n x n standard Gaussian matrix (such a Q is Haar
     * distributed): PyTorch's {@code torch.nn.init.orthogonal_(w, gain=1)}, which folds the signs of R's diagonal
     * into Q. Gram-Schmidt on the columns, each projection done twice for accuracy; it yields the positive-diagonal
     * factorisation directly.
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
