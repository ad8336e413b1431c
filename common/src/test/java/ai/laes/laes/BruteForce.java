package ai.laes.laes;

import java.util.List;

/** Literal, unoptimised versions of the LAES quantities, straight from the definitions, for tests. */
final class BruteForce {
    private BruteForce() {
    }

    /** Per-feature mean over all time steps of all sequences. */
    static double[] mean(List<double[]> sequences, int k) {
        double[] sum = new double[k];
        long steps = 0;
        for (double[] s : sequences) {
            for (int t = 0; t < s.length / k; t++) {
                for (int f = 0; f < k; f++) {
                    sum[f] += s[t * k + f];
                }
                steps++;
            }
        }
        for (int f = 0; f < k; f++) {
            sum[f] /= steps;
        }
        return sum;
    }

    /**
     * Xi built row by row: xi_t = [x_t - mu; ...; x_1 - mu; 0 ...], length T*k with T the longest length.
     * Lengths may differ: one row per step of every sequence, the zeros on the side older than its first step
     * (the end alignment of the Gram route).
     */
    static double[][] xi(List<double[]> sequences, int k, double[] mu) {
        int longest = 0;
        int rows = 0;
        for (double[] s : sequences) {
            longest = Math.max(longest, s.length / k);
            rows += s.length / k;
        }
        double[][] xi = new double[rows][longest * k];
        int row = 0;
        for (double[] s : sequences) {
            for (int t = 0; t < s.length / k; t++, row++) {
                for (int back = 0; back <= t; back++) {
                    for (int f = 0; f < k; f++) {
                        xi[row][back * k + f] = s[(t - back) * k + f] - mu[f];
                    }
                }
            }
        }
        return xi;
    }

    /** Xi^T Xi, row-major. */
    static double[] gram(double[][] rows) {
        int n = rows[0].length;
        double[] g = new double[n * n];
        for (double[] r : rows) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    g[i * n + j] += r[i] * r[j];
                }
            }
        }
        return g;
    }

    /** ||x - y||_F / ||y||_F. */
    static double relativeError(double[] x, double[] y) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            diff += (x[i] - y[i]) * (x[i] - y[i]);
            norm += y[i] * y[i];
        }
        return Math.sqrt(diff / norm);
    }

    static double[] flatten(double[][] m) {
        int c = m[0].length;
        double[] out = new double[m.length * c];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * c, c);
        }
        return out;
    }

    /** A = U_p^T P (p x k): P = [I_k; 0] picks the first block, so A[c][f] = U[f][c]. */
    static double[][] laesA(double[][] u, int k, int p) {
        int n = u.length;
        double[][] pick = new double[n][k];
        for (int f = 0; f < k; f++) {
            pick[f][f] = 1;
        }
        return product(transposeColumns(u, p), pick);
    }

    /** B = U_p^T R U_p (p x p), with R (Tk x Tk) the explicit block down-shift: R[(i+1)k+f][ik+f] = 1. */
    static double[][] laesB(double[][] u, int k, int p) {
        int n = u.length;
        double[][] shift = new double[n][n];
        for (int row = k; row < n; row++) {
            shift[row][row - k] = 1;
        }
        double[][] up = new double[n][p];
        for (int r = 0; r < n; r++) {
            System.arraycopy(u[r], 0, up[r], 0, p);
        }
        return product(transposeColumns(u, p), product(shift, up));
    }

    /**
     * Mean squared reconstruction error per lag d = 0..lags-1 of the LAES (a, b, mu), straight from the
     * recurrences: y_t = A (x_t - mu) + B y_{t-1} from y_0 = 0 over each whole sequence, then
     * x^_{n-d} = A^T (B^T)^d y_n + mu; averaged over the sequences longer than d and the k features.
     */
    static double[] reconstructionMsePerLag(List<double[]> sequences, double[][] a, double[][] b, double[] mu,
            int lags) {
        int p = b.length;
        int k = mu.length;
        double[] sums = new double[lags];
        long[] counts = new long[lags];
        for (double[] s : sequences) {
            int n = s.length / k;
            double[] y = new double[p];
            for (int t = 0; t < n; t++) {
                double[] next = new double[p];
                for (int c = 0; c < p; c++) {
                    for (int f = 0; f < k; f++) {
                        next[c] += a[c][f] * (s[t * k + f] - mu[f]);
                    }
                    for (int e = 0; e < p; e++) {
                        next[c] += b[c][e] * y[e];
                    }
                }
                y = next;
            }
            for (int d = 0; d < Math.min(n, lags); d++) {
                for (int f = 0; f < k; f++) {
                    double x = mu[f];
                    for (int c = 0; c < p; c++) {
                        x += a[c][f] * y[c];
                    }
                    double diff = x - s[(n - 1 - d) * k + f];
                    sums[d] += diff * diff;
                }
                counts[d]++;
                double[] back = new double[p];
                for (int e = 0; e < p; e++) {
                    for (int c = 0; c < p; c++) {
                        back[e] += b[c][e] * y[c];
                    }
                }
                y = back;
            }
        }
        double[] mse = new double[lags];
        for (int d = 0; d < lags; d++) {
            mse[d] = counts[d] == 0 ? Double.NaN : sums[d] / (counts[d] * (double) k);
        }
        return mse;
    }

    /** The first p columns of u, transposed (p x n). */
    private static double[][] transposeColumns(double[][] u, int p) {
        double[][] out = new double[p][u.length];
        for (int r = 0; r < u.length; r++) {
            for (int c = 0; c < p; c++) {
                out[c][r] = u[r][c];
            }
        }
        return out;
    }

    static double[][] product(double[][] x, double[][] y) {
        double[][] out = new double[x.length][y[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int q = 0; q < y.length; q++) {
                for (int j = 0; j < y[0].length; j++) {
                    out[i][j] += x[i][q] * y[q][j];
                }
            }
        }
        return out;
    }
}
