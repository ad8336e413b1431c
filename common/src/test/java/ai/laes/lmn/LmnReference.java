package ai.laes.lmn;

/** The LMN equations of docs/laes-math.md, "The Linear Memory Network" in plain Java doubles, column-vector form, one example at a time. */
final class LmnReference {
    private LmnReference() {
    }

    /**
     * Memory states m_1..m_T of one sequence x[k][T] from m_0 = 0; mask[t] = 0 zeroes m_t (null: no mask).
     *
     * @return m[nM][T]
     */
    static double[][] memory(double[][] x, double[] mask, boolean tanh, double[][] wxh, double[][] wmh, double[] bh,
            double[][] whm, double[][] wmm, double[] bm) {
        int T = x[0].length, nH = wxh.length, nM = wmm.length;
        double[][] out = new double[nM][T];
        double[] m = new double[nM];
        for (int t = 0; t < T; t++) {
            double[] h = new double[nH];
            for (int i = 0; i < nH; i++) {
                double z = bh[i];
                for (int j = 0; j < x.length; j++) {
                    z += wxh[i][j] * x[j][t];
                }
                for (int j = 0; j < nM; j++) {
                    z += wmh[i][j] * m[j];
                }
                h[i] = tanh ? Math.tanh(z) : z;
            }
            double[] next = new double[nM];
            for (int i = 0; i < nM; i++) {
                double v = bm[i];
                for (int j = 0; j < nH; j++) {
                    v += whm[i][j] * h[j];
                }
                for (int j = 0; j < nM; j++) {
                    v += wmm[i][j] * m[j];
                }
                next[i] = mask == null ? v : v * mask[t];
            }
            m = next;
            for (int i = 0; i < nM; i++) {
                out[i][t] = m[i];
            }
        }
        return out;
    }

    /** The LAES encoder y_t = A (x_t - mu) + B y_{t-1}, y_0 = 0, of one sequence x[k][T]; returns y[p][T]. */
    static double[][] laesStates(double[][] x, double[][] a, double[][] b, double[] mu) {
        int T = x[0].length, p = a.length, k = mu.length;
        double[][] out = new double[p][T];
        double[] y = new double[p];
        for (int t = 0; t < T; t++) {
            double[] next = new double[p];
            for (int i = 0; i < p; i++) {
                double v = 0;
                for (int j = 0; j < k; j++) {
                    v += a[i][j] * (x[j][t] - mu[j]);
                }
                for (int j = 0; j < p; j++) {
                    v += b[i][j] * y[j];
                }
                next[i] = v;
            }
            y = next;
            for (int i = 0; i < p; i++) {
                out[i][t] = y[i];
            }
        }
        return out;
    }
}
