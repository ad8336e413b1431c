package ai.laes.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.laes.numerics.RandomMatrices;
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

    private final INDArray s; // T x T, lag order
    private final double traceS;
    private final int steps;

    /** {@code secondMoment}: S, T x T row-major in lag order (entry (d, e) = mean of x_{T-d} x_{T-e}, centred). */
    public TiedMemoryTrainer(double[] secondMoment, int steps) {
        this.s = Nd4j.create(secondMoment, new long[] {steps, steps}, 'c');
        double trace = 0;
        for (int i = 0; i < steps; i++) {
            trace += secondMoment[i * steps + i];
        }
        this.traceS = trace;
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

    /** Why a learning rate's run ended. */
    public enum Stop {
        /** The best loss fell by less than the relative tolerance within the last {@code patience} steps. */
        PLATEAU("plateau"),
        /** The chosen rate reached the cap on steps. */
        MAX_STEPS("step cap"),
        /** The loss stopped being finite. */
        DIVERGED("diverged"),
        /** A rate not chosen, still improving after its trial steps. */
        NOT_CHOSEN("not chosen");

        private final String label;

        Stop(String label) {
            this.label = label;
        }

        /** A short description for the page and summary.json. */
        public String label() {
            return label;
        }
    }

    /**
     * One learning rate's run: the Adam steps taken, the loss at the initialisation, the lowest training loss and
     * the step that reached it (0 = the initialisation), and why it ended.
     */
    public record Trial(double learningRate, int steps, double initialLoss, double bestLoss, int bestStep, Stop stop) {
        /** Whether any step lowered the loss below the initialisation's. */
        public boolean improved() {
            return bestLoss < initialLoss;
        }
    }

    /** A and B (row-major) of the lowest-loss iterate of the chosen learning rate, that rate's run, and every run. */
    public record Result(double[] a, double[] b, Trial chosen, List<Trial> trials) {
        /** Whether any learning rate tried lowered the loss below the initialisation's. */
        public boolean improved() {
            return chosen.improved();
        }
    }

    /**
     * Adam from A ~ N(0, 0.01^2), B random orthogonal (seeded; the same start for every learning rate) under
     * {@code search}: each rate for its trial steps, then the rate with the lowest loss on to the cap, every run
     * under the stopping rule, keeping the iterate of lowest training loss: once B's spectral radius leaves 1, the
     * powers B^d for d up to T - 1 explode, and so do the loss and the gradient (the exploding-gradient problem of
     * training through time).
     */
    public Result search(int p, LearningRateSearch search, long seed) {
        List<Run> runs = new ArrayList<>();
        for (double rate : search.learningRates()) {
            Run run = new Run(p, rate, seed);
            run.advance(search.trialSteps(), search);
            runs.add(run);
        }
        Run chosen = runs.get(0);
        for (Run run : runs) {
            if (run.best < chosen.best) {
                chosen = run;
            }
        }
        chosen.advance(search.maxSteps(), search);
        if (chosen.stop == null) {
            chosen.stop = Stop.MAX_STEPS;
        }
        List<Trial> trials = new ArrayList<>();
        for (Run run : runs) {
            Trial trial = run.trial();
            trials.add(trial);
            LOG.info("tied linear memory (T={}, p={}), learning rate {}: {} steps, loss {} -> best {} at step {} ({}){}", steps, p,
                    trial.learningRate(), trial.steps(), trial.initialLoss(), trial.bestLoss(), trial.bestStep(), trial.stop().label(),
                    run == chosen ? ", chosen" : "");
        }
        return new Result(Arrays.copyOf(chosen.bestParams, p), Arrays.copyOfRange(chosen.bestParams, p, chosen.bestParams.length),
                chosen.trial(), trials);
    }

    /** One learning rate's Adam state, its best iterate and its progress under the stopping rule. */
    private final class Run {
        final double rate;
        final int p;
        final double[] params;
        final double[] m1;
        final double[] m2;
        final double[] grad;
        double[] bestParams;
        final double initial;
        double best;
        int bestStep;
        double progressMark;
        int progressStep;
        int step;
        Stop stop;

        Run(int p, double rate, long seed) {
            this.rate = rate;
            this.p = p;
            Random rnd = new Random(seed);
            params = new double[p + p * p];
            for (int i = 0; i < p; i++) {
                params[i] = INITIAL_A_STD * rnd.nextGaussian();
            }
            System.arraycopy(flatten(RandomMatrices.orthogonal(rnd, p)), 0, params, p, p * p);
            m1 = new double[params.length];
            m2 = new double[params.length];
            grad = new double[params.length];
            initial = loss();
            best = initial;
            progressMark = initial;
            bestParams = params.clone();
        }

        double loss() {
            return lossAndGradient(Arrays.copyOf(params, p), Arrays.copyOfRange(params, p, params.length), grad);
        }

        /** Adam steps until step {@code until} or the stopping rule; {@link #grad} is the gradient at {@link #params}. */
        void advance(int until, LearningRateSearch search) {
            while (stop == null && step < until) {
                step++;
                double c1 = 1 - Math.pow(BETA1, step);
                double c2 = 1 - Math.pow(BETA2, step);
                for (int i = 0; i < params.length; i++) {
                    m1[i] = BETA1 * m1[i] + (1 - BETA1) * grad[i];
                    m2[i] = BETA2 * m2[i] + (1 - BETA2) * grad[i] * grad[i];
                    params[i] -= rate * (m1[i] / c1) / (Math.sqrt(m2[i] / c2) + EPSILON);
                }
                double loss = loss();
                if (!Double.isFinite(loss)) {
                    stop = Stop.DIVERGED;
                } else {
                    if (loss < best) {
                        best = loss;
                        bestStep = step;
                        bestParams = params.clone();
                    }
                    if (best < progressMark * (1 - search.tolerance())) {
                        progressMark = best;
                        progressStep = step;
                    } else if (step - progressStep >= search.patience()) {
                        stop = Stop.PLATEAU;
                    }
                }
            }
        }

        Trial trial() {
            return new Trial(rate, step, initial, best, bestStep, stop == null ? Stop.NOT_CHOSEN : stop);
        }
    }

    /** L(A, B); writes [dL/dA ; dL/dB (row-major)] into {@code grad}. */
    public double lossAndGradient(double[] a, double[] b, double[] grad) {
        int p = a.length;
        int t = steps;
        double[] c = UnrolledMemory.columns(a, b, t);
        INDArray q = Nd4j.create(c, new long[] {t, p}, 'c');
        INDArray sq = s.mmul(q);
        INDArray qtq = q.transpose().mmul(q);
        INDArray qtsq = q.transpose().mmul(sq);
        // tr(Q^T S Q) = sum of Q o SQ; tr(L K) = sum of L o K (L, K symmetric)
        double loss = (traceS - 2 * q.mul(sq).sumNumber().doubleValue() + qtsq.mul(qtq).sumNumber().doubleValue()) / t;
        INDArray g = sq.mul(-4).addi(q.mmul(qtsq).muli(2)).addi(sq.mmul(qtq).muli(2)).divi(t);
        backThroughTime(c, b, g.dup('c').data().asDouble(), p, t, grad);
        return loss;
    }

    /**
     * dL/dA and dL/dB from dL/dc_d through c_d = B c_{d-1}: the deltas by the recursion (row d - 1 of
     * {@code deltas} holds delta_d), then dL/dB = sum_{d>=1} delta_d c_{d-1}^T as one matrix product.
     */
    static void backThroughTime(double[] c, double[] b, double[] gc, int p, int t, double[] grad) {
        double[] bt = new double[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                bt[j * p + i] = b[i * p + j];
            }
        }
        double[] deltas = new double[Math.max(t - 1, 1) * p];
        double[] delta = Arrays.copyOfRange(gc, (t - 1) * p, t * p);
        double[] next = new double[p];
        for (int d = t - 1; d >= 1; d--) {
            System.arraycopy(delta, 0, deltas, (d - 1) * p, p);
            for (int j = 0; j < p; j++) {
                double v = gc[(d - 1) * p + j];
                for (int i = 0; i < p; i++) {
                    v += bt[j * p + i] * delta[i];
                }
                next[j] = v;
            }
            double[] swap = delta;
            delta = next;
            next = swap;
        }
        System.arraycopy(delta, 0, grad, 0, p);
        if (t == 1) {
            Arrays.fill(grad, p, grad.length, 0);
            return;
        }
        INDArray dl = Nd4j.create(deltas, new long[] {t - 1, p}, 'c');
        INDArray previous = Nd4j.create(Arrays.copyOf(c, (t - 1) * p), new long[] {t - 1, p}, 'c');
        System.arraycopy(dl.transpose().mmul(previous).dup('c').data().asDouble(), 0, grad, p, p * p);
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
