package ai.laes.laes;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LAES recurrences for a batch of sequences as one matrix product per step (ND4J DGEMM), rows
 * = sequences. Variable lengths are end-aligned: the padded centred inputs are zero, and from
 * y_0 = 0 a zero input keeps the state at zero, so left padding does not change any final state.
 * Row form: Y_t = C_t A^T + Y_{t-1} B^T (encoder); X^_d = Y_d A + mu, Y_{d+1} = Y_d B (decoder).
 * Built from plain arrays on whichever JVM runs it; nothing here is ever broadcast.
 */
final class LaesBatch implements AutoCloseable {
    private final int k;
    private final int p;
    private final double[] mu;
    private final INDArray a;
    private final INDArray b;

    LaesBatch(double[] aRowMajor, double[] bRowMajor, double[] mu, int p) {
        this.k = mu.length;
        this.p = p;
        this.mu = mu;
        this.a = Nd4j.create(aRowMajor.clone(), new long[]{p, k}, DataType.DOUBLE);
        this.b = Nd4j.create(bRowMajor.clone(), new long[]{p, p}, DataType.DOUBLE);
    }

    /** Final states y_n of each sequence (rows of the result, length p). */
    double[][] finalStates(List<double[]> sequences) {
        int rows = sequences.size();
        int longest = 0;
        for (double[] s : sequences) {
            longest = Math.max(longest, s.length / k);
        }
        INDArray y = Nd4j.zeros(DataType.DOUBLE, rows, p);
        INDArray next = Nd4j.zeros(DataType.DOUBLE, rows, p);
        double[] input = new double[rows * k];
        for (int t = 0; t < longest; t++) {
            for (int s = 0; s < rows; s++) {
                double[] seq = sequences.get(s);
                int step = t - (longest - seq.length / k);
                for (int f = 0; f < k; f++) {
                    input[s * k + f] = step < 0 ? 0.0 : seq[step * k + f] - mu[f];
                }
            }
            try (INDArray c = Nd4j.create(input, new long[]{rows, k}, DataType.DOUBLE)) {
                Nd4j.gemm(c, a, next, false, true, 1.0, 0.0);
            }
            Nd4j.gemm(y, b, next, false, true, 1.0, 1.0);
            INDArray swap = y;
            y = next;
            next = swap;
        }
        double[] flat = y.dup('c').data().asDouble();
        y.close();
        next.close();
        double[][] states = new double[rows][];
        for (int s = 0; s < rows; s++) {
            states[s] = java.util.Arrays.copyOfRange(flat, s * p, (s + 1) * p);
        }
        return states;
    }

    /**
     * Adds, for every lag d &lt; min(n, maxLag), the squared decoding error ||x^_{n-d} - x_{n-d}||^2
     * of each sequence to {@code sums[d]} and one to {@code counts[d]}.
     */
    void accumulateErrors(List<double[]> sequences, int maxLag, double[] sums, double[] counts) {
        double[][] states = finalStates(sequences);
        int rows = sequences.size();
        int lags = 0;
        for (double[] s : sequences) {
            lags = Math.max(lags, Math.min(s.length / k, maxLag));
        }
        double[] flat = new double[rows * p];
        for (int s = 0; s < rows; s++) {
            System.arraycopy(states[s], 0, flat, s * p, p);
        }
        INDArray y = Nd4j.create(flat, new long[]{rows, p}, DataType.DOUBLE);
        INDArray next = Nd4j.zeros(DataType.DOUBLE, rows, p);
        INDArray xhat = Nd4j.zeros(DataType.DOUBLE, rows, k);
        for (int d = 0; d < lags; d++) {
            Nd4j.gemm(y, a, xhat, false, false, 1.0, 0.0);
            double[] decoded = xhat.data().asDouble();
            for (int s = 0; s < rows; s++) {
                double[] seq = sequences.get(s);
                int step = seq.length / k - 1 - d;
                if (step < 0) {
                    continue;
                }
                double err = 0;
                for (int f = 0; f < k; f++) {
                    double diff = decoded[s * k + f] + mu[f] - seq[step * k + f];
                    err += diff * diff;
                }
                sums[d] += err;
                counts[d] += 1;
            }
            Nd4j.gemm(y, b, next, false, false, 1.0, 0.0);
            INDArray swap = y;
            y = next;
            next = swap;
        }
        y.close();
        next.close();
        xhat.close();
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
