package ai.laes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The memory trained through time: its loss is the reconstruction MSE, its gradient matches finite differences, Adam lowers it. */
class TiedMemoryTrainerTest {
    static final int T = 7, P = 3, N = 40;

    /** N random sequences (lag order irrelevant here: time order, centred by construction below). */
    static double[][] sequences(Random rnd) {
        double[][] x = new double[N][T];
        for (double[] s : x) {
            double v = 0;
            for (int t = 0; t < T; t++) {
                v = 0.7 * v + rnd.nextGaussian();
                s[t] = v;
            }
        }
        return x;
    }

    /** Lag-order S = (1/N) sum x x^T with x[d] = x_{T-d} (mu = 0). */
    static double[] secondMoment(double[][] x) {
        double[] m = new double[T * T]; // time order
        for (double[] s : x) {
            for (int a = 0; a < T; a++) {
                for (int b = 0; b < T; b++) {
                    m[a * T + b] += s[a] * s[b];
                }
            }
        }
        return TiedMemoryTrainer.secondMomentFromGram(m, T, N);
    }

    static double[] randomVector(Random rnd, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * rnd.nextGaussian();
        }
        return v;
    }

    @Test
    void lossIsTheMeanReconstructionErrorOfTheRecursion() {
        Random rnd = new Random(1);
        double[][] x = sequences(rnd);
        double[] a = randomVector(rnd, P, 0.5);
        double[] b = randomVector(rnd, P * P, 0.4);
        double loss = new TiedMemoryTrainer(secondMoment(x), T).lossAndGradient(a, b, new double[P + P * P]);
        UnrolledMemory memory = UnrolledMemory.of(a, b, 0, T);
        LagDecoder decoder = memory.tiedDecoder();
        double direct = 0;
        for (double[] s : x) {
            // the recursion y_t = A x_t + B y_{t-1}, run step by step
            double[] y = new double[P];
            for (int t = 0; t < T; t++) {
                double[] next = new double[P];
                for (int i = 0; i < P; i++) {
                    next[i] = a[i] * s[t];
                    for (int j = 0; j < P; j++) {
                        next[i] += b[i * P + j] * y[j];
                    }
                }
                y = next;
            }
            assertEquals(0, maxDiff(y, memory.finalState(s)), 1e-12, "unrolled final state equals the recursion");
            for (int d = 0; d < T; d++) {
                double diff = decoder.decode(y, d) - s[T - 1 - d];
                direct += diff * diff / (N * T);
            }
        }
        assertEquals(direct, loss, 1e-10 * direct);
    }

    @Test
    void gradientThroughTimeMatchesFiniteDifferences() {
        Random rnd = new Random(2);
        TiedMemoryTrainer trainer = new TiedMemoryTrainer(secondMoment(sequences(rnd)), T);
        double[] a = randomVector(rnd, P, 0.5);
        double[] b = randomVector(rnd, P * P, 0.4);
        double[] grad = new double[P + P * P];
        trainer.lossAndGradient(a, b, grad);
        double eps = 1e-6;
        for (int i = 0; i < grad.length; i++) {
            double[] ap = a.clone(), am = a.clone(), bp = b.clone(), bm = b.clone();
            if (i < P) {
                ap[i] += eps;
                am[i] -= eps;
            } else {
                bp[i - P] += eps;
                bm[i - P] -= eps;
            }
            double numeric = (trainer.lossAndGradient(ap, bp, new double[grad.length])
                    - trainer.lossAndGradient(am, bm, new double[grad.length])) / (2 * eps);
            assertEquals(numeric, grad[i], 1e-6 * Math.max(1, Math.abs(numeric)), "parameter " + i);
        }
    }

    @Test
    void adamLowersTheLoss() {
        TiedMemoryTrainer trainer = new TiedMemoryTrainer(secondMoment(sequences(new Random(3))), T);
        TiedMemoryTrainer.Result r = trainer.train(P, 300, 1e-2, 4);
        assertTrue(r.finalLoss() < 0.5 * r.initialLoss(), r.initialLoss() + " -> " + r.finalLoss());
    }

    static double maxDiff(double[] u, double[] v) {
        double m = 0;
        for (int i = 0; i < u.length; i++) {
            m = Math.max(m, Math.abs(u[i] - v[i]));
        }
        return m;
    }
}
