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

    /** Xi built row by row: xi_t = [x_t - mu; ...; x_1 - mu; 0 ...], length T*k. */
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
}
