package ai.laes.report;

import java.util.Random;

import ai.laes.lmn.init.RandomMatrices;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A linear memory of the LAES form (y_t = A x_t + B y_{t-1}, decoder x^_{T-d} = A^T (B^T)^d y_T) trained
 * by full-batch gradient descent through time with Adam on the mean squared reconstruction error over all
 * lags, k = 1. With c_d = B^d A and Q the T x p matrix of rows c_d^T, the reconstruction of a centred
 * sequence x (lag order, x[d] = x_{T-d}) is P x with P = Q Q^T, so the loss over the training set is
 * <pre>
 *   L = (1/T) tr((I - P) S (I - P)) = (1/T) [tr S - 2 tr(Q^T S Q) + tr((Q^T S Q)(Q^T Q))]
 *   dL/dQ = (1/T) [-4 S Q + 2 (Q (Q^T S Q) + S Q (Q^T Q))]
 * </pre>
 * where S = (1/N) sum x x^T is the lag-ordered second moment of the centred training sequences: an exact
 * sufficient statistic, so each step is the exact full-batch gradient at cost O(T^2 p) instead of
 * O(N T p^2). The gradient then flows back through the recursion c_d = B c_{d-1}, c_0 = A
 * (backpropagation through time): delta_{T-1} = g_{T-1}; delta_{d-1} = g_{d-1} + B^T delta_d;
 * dL/dB = sum_{d>=1} delta_d c_{d-1}^T; dL/dA = delta_0.
 */
public final class TiedMemoryTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(TiedMemoryTrainer.class);
    /** Standard deviation of the initial A ("random small"). */
    public static final double INITIAL_A_STD = 0.01;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final double[] s; // T x T, lag order, row-major
    private final int steps;

    /** {@code secondMoment}: S, T x T row-major in lag order (entry (d, e) = mean of x_{T-d} x_{T-e}, centred). */
    public TiedMemoryTrainer(double[] secondMoment, int steps) {
        this.s = secondMoment;
        this.steps = steps;
    }

    /** S in lag order from the Gram M of end-aligned centred sequences (time order, T x T) over n sequences. */
    public static double[] secondMomentFromGram(double[] m, int steps, long n) {
        double[] out = new double[steps * steps];
        for (int d = 0; d < steps; d++) {
            for (int e = 0; e < steps; e++) {
                out[d * steps + e] = m[(steps - 1 - d) * steps + (steps - 1 - e)] / n;
            }
        }
        return out;
    }

    /**
     * The result of training: A, B (row-major) of the iterate with the lowest training loss, that loss, the
     * initial loss, and the step that reached it (0 = the initialisation).
     */
    public record Result(double[] a, double[] b, double initialLoss, double finalLoss, int bestStep) {
    }

    /**
     * Adam for {@code iterations} full-batch steps from A ~ N(0, 0.01^2), B random orthogonal (seeded), keeping
     * the iterate of lowest training loss: once B's spectral radius leaves 1, the powers B^d for d up to T - 1
     * explode, and so do the loss and the gradient (the exploding-gradient problem of training through time).
     */
    public Result train(int p, int iterations, double learningRate, long seed) {
        Random rnd = new Random(seed);
        double[] a = new double[p];
        for (int i = 0; i < p; i++) {
            a[i] = INITIAL_A_STD * rnd.nextGaussian();
        }
        double[] b = flatten(RandomMatrices.orthogonal(rnd, p));
        double[] params = new double[p + p * p];
        System.arraycopy(a, 0, params, 0, p);
        System.arraycopy(b, 0, params, p, p * p);
        double[] m1 = new double[params.length];
        double[] m2 = new double[params.length];
        double initial = Double.NaN;
        double best = Double.POSITIVE_INFINITY;
        double[] bestParams = params.clone();
        int bestStep = 0;
        double[] grad = new double[params.length];
        for (int it = 1; it <= iterations + 1; it++) {
            double loss = lossAndGradient(java.util.Arrays.copyOf(params, p), java.util.Arrays.copyOfRange(params, p, params.length), grad);
            if (it == 1) {
                initial = loss;
            }
            if (loss < best) {
                best = loss;
                bestParams = params.clone();
                bestStep = it - 1;
            }
            if (it > iterations || !Double.isFinite(loss)) {
                break;
            }
            double c1 = 1 - Math.pow(BETA1, it);
            double c2 = 1 - Math.pow(BETA2, it);
            for (int i = 0; i < params.length; i++) {
                m1[i] = BETA1 * m1[i] + (1 - BETA1) * grad[i];
                m2[i] = BETA2 * m2[i] + (1 - BETA2) * grad[i] * grad[i];
                params[i] -= learningRate * (m1[i] / c1) / (Math.sqrt(m2[i] / c2) + EPSILON);
            }
            if (it % 50 == 0) {
                LOG.info("tied linear memory (T={}, p={}): step {} loss {} (best {} at step {})", steps, p, it, loss, best, bestStep);
            }
        }
        return new Result(java.util.Arrays.copyOf(bestParams, p), java.util.Arrays.copyOfRange(bestParams, p, params.length),
                initial, best, bestStep);
    }

    /** L(A, B); writes [dL/dA ; dL/dB (row-major)] into {@code grad}. */
    public double lossAndGradient(double[] a, double[] b, double[] grad) {
        int p = a.length;
        int t = steps;
        double[] c = UnrolledMemory.columns(a, b, t);
        INDArray q = Nd4j.create(c, new long[] {t, p}, 'c');
        INDArray sm = Nd4j.create(s, new long[] {t, t}, 'c');
        INDArray sq = sm.mmul(q);
        INDArray qtq = q.transpose().mmul(q);
        INDArray qtsq = q.transpose().mmul(sq);
        double trace = 0;
        for (int i = 0; i < t; i++) {
            trace += s[i * t + i];
        }
        // tr(Q^T S Q) = sum of Q o SQ; tr(L K) = sum of L o K (L, K symmetric)
        double loss = (trace - 2 * q.mul(sq).sumNumber().doubleValue() + qtsq.mul(qtq).sumNumber().doubleValue()) / t;
        INDArray g = sq.mul(-4).addi(q.mmul(qtsq).muli(2)).addi(sq.mmul(qtq).muli(2)).divi(t);
        double[] gq = g.dup('c').data().asDouble();
        backThroughTime(c, b, gq, p, t, grad);
        return loss;
    }

    /** dL/dA and dL/dB from dL/dc_d through c_d = B c_{d-1}. */
    static void backThroughTime(double[] c, double[] b, double[] gc, int p, int t, double[] grad) {
        double[] delta = java.util.Arrays.copyOfRange(gc, (t - 1) * p, t * p);
        double[] next = new double[p];
        java.util.Arrays.fill(grad, 0);
        for (int d = t - 1; d >= 1; d--) {
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    grad[p + i * p + j] += delta[i] * c[(d - 1) * p + j];
                }
            }
            for (int j = 0; j < p; j++) {
                double v = gc[(d - 1) * p + j];
                for (int i = 0; i < p; i++) {
                    v += b[i * p + j] * delta[i];
                }
                next[j] = v;
            }
            double[] swap = delta;
            delta = next;
            next = swap;
        }
        System.arraycopy(delta, 0, grad, 0, p);
    }

    static double[] flatten(double[][] m) {
        int r = m.length, cols = m[0].length;
        double[] out = new double[r * cols];
        for (int i = 0; i < r; i++) {
            System.arraycopy(m[i], 0, out, i * cols, cols);
        }
        return out;
    }
}
