package ai.laes.laes;

/**
 * Assembly of G = Xi^T Xi (Tk x Tk) from the Gram M of the end-aligned sequences, in O((Tk)^2).
 *
 * <p>Identity relied on (0-based blocks, z_0..z_{T-1} the end-aligned centred steps, k x k blocks):
 * block (i, j) of Xi^T Xi is G[i][j] = sum over sequences and t of z_{t-i} z_{t-j}^T, t = j..T-1.
 * For i = 0 this is the j-th block sub-diagonal of M summed, and shifting both indices by one drops
 * exactly the last term t = T, i.e. z_{T-i} z_{T-j}^T:
 * <pre>
 *   G[0][j] = sum_{u=0}^{T-1-j} M[u+j][u]
 *   G[i][j] = G[i-1][j-1] - M[T-i][T-j]      (1 &lt;= i &lt;= j)
 *   G[j][i] = G[i][j]^T
 * </pre>
 */
public final class LaesGram {
    private LaesGram() {
    }

    /** G (row-major Tk x Tk) from M (row-major Tk x Tk). */
    public static double[] assemble(double[] m, int maxSteps, int k) {
        int tSteps = maxSteps;
        int n = tSteps * k;
        if (m.length != (long) n * n) {
            throw new IllegalArgumentException("M has " + m.length + " entries, expected (Tk)^2 = " + (long) n * n);
        }
        double[] g = new double[n * n];
        for (int j = 0; j < tSteps; j++) {
            for (int u = 0; u <= tSteps - 1 - j; u++) {
                addBlock(g, n, k, 0, j, m, u + j, u, 1.0);
            }
        }
        for (int i = 1; i < tSteps; i++) {
            for (int j = i; j < tSteps; j++) {
                copyBlock(g, n, k, i - 1, j - 1, i, j);
                addBlock(g, n, k, i, j, m, tSteps - i, tSteps - j, -1.0);
            }
        }
        for (int i = 0; i < tSteps; i++) {
            for (int j = i + 1; j < tSteps; j++) {
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        g[(j * k + b) * n + i * k + a] = g[(i * k + a) * n + j * k + b];
                    }
                }
            }
        }
        return g;
    }

    /** G[i][j] += sign * M[r][c]. */
    private static void addBlock(double[] g, int n, int k, int i, int j, double[] m, int r, int c, double sign) {
        for (int a = 0; a < k; a++) {
            int gRow = (i * k + a) * n + j * k;
            int mRow = (r * k + a) * n + c * k;
            for (int b = 0; b < k; b++) {
                g[gRow + b] += sign * m[mRow + b];
            }
        }
    }

    /** G[i][j] = G[si][sj]. */
    private static void copyBlock(double[] g, int n, int k, int si, int sj, int i, int j) {
        for (int a = 0; a < k; a++) {
            System.arraycopy(g, (si * k + a) * n + sj * k, g, (i * k + a) * n + j * k, k);
        }
    }
}
