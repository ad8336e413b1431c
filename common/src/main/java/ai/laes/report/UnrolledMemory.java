package ai.laes.report;

import java.io.Serializable;

import ai.laes.io.InputException;

/**
 * A linear memory y_t = A x_t + B y_{t-1} (y_0 = 0, k = 1) over sequences of exactly T steps, unrolled:
 * its final state is y_T = sum_{d=0}^{T-1} c_d (x_{T-d} - mu) with c_d = B^d A, so encoding one sequence
 * costs p T instead of p^2 T. Row d of {@link #columns()} is c_d. Plain arrays only: safe to broadcast.
 */
public final class UnrolledMemory implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] c; // T x p, row d = c_d = B^d A
    private final double mu;
    private final int steps;
    private final int p;

    private UnrolledMemory(double[] c, double mu, int steps, int p) {
        this.c = c;
        this.mu = mu;
        this.steps = steps;
        this.p = p;
    }

    /** c_d = B^d A for d = 0..T-1, from A (length p, k = 1) and B (p x p, row-major). */
    public static UnrolledMemory of(double[] a, double[] b, double mu, int steps) {
        int p = a.length;
        if (b.length != p * p) {
            throw new InputException("linear memory: B has " + b.length + " entries, expected p^2 = " + p * p);
        }
        return new UnrolledMemory(columns(a, b, steps), mu, steps, p);
    }

    /** Rows c_d = B^d A, d = 0..steps-1 (the forward pass of the memory recursion run on a unit input). */
    static double[] columns(double[] a, double[] b, int steps) {
        int p = a.length;
        double[] c = new double[steps * p];
        System.arraycopy(a, 0, c, 0, p);
        for (int d = 1; d < steps; d++) {
            for (int i = 0; i < p; i++) {
                double v = 0;
                for (int j = 0; j < p; j++) {
                    v += b[i * p + j] * c[(d - 1) * p + j];
                }
                c[d * p + i] = v;
            }
        }
        return c;
    }

    /** y_T of one sequence of exactly T steps. */
    public double[] finalState(double[] x) {
        if (x.length != steps) {
            throw new InputException("linear memory: sequence of " + x.length + " steps, expected T = " + steps);
        }
        double[] y = new double[p];
        for (int d = 0; d < steps; d++) {
            double v = x[steps - 1 - d] - mu;
            for (int i = 0; i < p; i++) {
                y[i] += c[d * p + i] * v;
            }
        }
        return y;
    }

    /** The LAES-form decoder x^_{T-d} = c_d^T y_T + mu = A^T (B^T)^d y_T + mu, as a per-lag affine decoder. */
    public LagDecoder tiedDecoder() {
        double[] w = new double[steps * (p + 1)];
        for (int d = 0; d < steps; d++) {
            System.arraycopy(c, d * p, w, d * (p + 1), p);
            w[d * (p + 1) + p] = mu;
        }
        return new LagDecoder(w, steps, p);
    }

    double[] columns() {
        return c.clone();
    }

    public int steps() {
        return steps;
    }

    public int memorySize() {
        return p;
    }
}
