package ai.laes.laes;

import java.util.List;
import ai.laes.numerics.BlasCanary;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LAES encoder and decoder for a batch of sequences as single matrix products, through the
 * unrolled recursion. From y_0 = 0, y_t = A (x_t - mu) + B y_{t-1} unrolls to
 * <pre>
 *   y_n = sum_{d=0}^{n-1} B^d A (x_{n-d} - mu)        and the decoder reads   x^_{n-d} = (B^d A)^T y_n + mu.
 * </pre>
 * So with E the (L k) x p matrix whose block row for lag d (counted from the end) is (B^d A)^T and
 * Z the end-aligned centred sequences (rows of length L k, zero-padded on the left, which adds
 * nothing since a zero input keeps the state at zero), the final states are Y = Z E and the
 * reconstructions are Y E^T + mu: two GEMMs per batch instead of one per time step.
 * Built from plain arrays on whichever JVM runs it; nothing here is ever broadcast.
 */
final class LaesBatch implements AutoCloseable {
    private final int k;
    private final int p;
    private final double[] a;
    private final double[] b;
    private final double[] mu;
    private INDArray unrolled;
    private int steps;

    LaesBatch(double[] aRowMajor, double[] bRowMajor, double[] mu, int p, int steps) {
        this.k = mu.length;
        this.p = p;
        this.a = aRowMajor;
        this.b = bRowMajor;
        this.mu = mu;
        unroll(steps);
    }

    /** Builds E for sequences of up to {@code length} steps: block row L-1-d holds (B^d A)^T. */
    private void unroll(int length) {
        double[] e = new double[length * k * p];
        double[] m = a.clone();
        double[] next = new double[p * k];
        for (int d = 0; d < length; d++) {
            int block = length - 1 - d;
            for (int f = 0; f < k; f++) {
                for (int c = 0; c < p; c++) {
                    e[(block * k + f) * p + c] = m[c * k + f];
                }
            }
            for (int c = 0; c < p; c++) {
                for (int f = 0; f < k; f++) {
                    double v = 0;
                    for (int j = 0; j < p; j++) {
                        v += b[c * p + j] * m[j * k + f];
                    }
                    next[c * k + f] = v;
                }
            }
            double[] swap = m;
            m = next;
            next = swap;
        }
        if (unrolled != null) {
            unrolled.close();
        }
        unrolled = Nd4j.create(e, new long[]{(long) length * k, p}, DataType.DOUBLE);
        steps = length;
    }

    /** Z: the sequences centred and end-aligned to {@link #steps}, one row each. */
    private INDArray centred(List<double[]> sequences) {
        BlasCanary.verifyOnce(); // this JVM's DGEMM, before encoding
        int longest = 0;
        for (double[] s : sequences) {
            longest = Math.max(longest, s.length / k);
        }
        if (longest > steps) {
            unroll(longest);
        }
        int width = steps * k;
        double[] z = new double[sequences.size() * width];
        for (int s = 0; s < sequences.size(); s++) {
            double[] seq = sequences.get(s);
            int offset = s * width + width - seq.length;
            for (int i = 0; i < seq.length; i++) {
                z[offset + i] = seq[i] - mu[i % k];
            }
        }
        return Nd4j.create(z, new long[]{sequences.size(), width}, DataType.DOUBLE);
    }

    /** Final states y_n of each sequence (rows of the result, length p). */
    double[][] finalStates(List<double[]> sequences) {
        try (INDArray z = centred(sequences); INDArray y = z.mmul(unrolled)) {
            return y.toDoubleMatrix();
        }
    }

    /**
     * Adds, for every lag d &lt; min(n, maxLag), the squared decoding error ||x^_{n-d} - x_{n-d}||^2
     * of each sequence to {@code sums[d]} and one to {@code counts[d]}.
     */
    void accumulateErrors(List<double[]> sequences, int maxLag, double[] sums, double[] counts) {
        try (INDArray z = centred(sequences); INDArray y = z.mmul(unrolled)) {
            // Residual R = Z - Y E^T, in place in Z (padding positions are not counted below).
            Nd4j.gemm(y, unrolled, z, false, true, -1.0, 1.0);
            double[] r = z.data().asDouble();
            int width = steps * k;
            for (int s = 0; s < sequences.size(); s++) {
                int n = sequences.get(s).length / k;
                for (int d = 0; d < Math.min(n, maxLag); d++) {
                    int at = s * width + (steps - 1 - d) * k;
                    double err = 0;
                    for (int f = 0; f < k; f++) {
                        err += r[at + f] * r[at + f];
                    }
                    sums[d] += err;
                    counts[d] += 1;
                }
            }
        }
    }

    @Override
    public void close() {
        unrolled.close();
    }
}
