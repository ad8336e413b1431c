package ai.laes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The memory trained through time: its loss is the reconstruction MSE, its gradient matches finite differences, the
 * learning-rate search finds the rate that trains and stops by its rule.
 */
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

    /** Four decades and a rate too large for anything: on this problem 1e-2 is the one that trains within 100 steps. */
    static final LearningRateSearch FOUR_DECADES = new LearningRateSearch(List.of(1e-6, 1e-4, 1e-2, 10.0), 100, 5000, 50, 1e-4);

    @Test
    void theSearchChoosesTheLearningRateThatTrainsAndStopsOnAPlateau() {
        TiedMemoryTrainer trainer = new TiedMemoryTrainer(secondMoment(sequences(new Random(3))), T);
        TiedMemoryTrainer.Result r = trainer.search(P, FOUR_DECADES, 4);
        TiedMemoryTrainer.Trial chosen = r.chosen();
        assertEquals(1e-2, chosen.learningRate(), r.trials().toString());
        assertTrue(r.improved());
        assertTrue(chosen.bestLoss() < 0.3 * chosen.initialLoss(), chosen.toString());
        // the stopping rule, not the cap, ended it: well before 5000 steps, 50 steps after the last relative 1e-4 gain
        assertEquals(TiedMemoryTrainer.Stop.PLATEAU, chosen.stop());
        assertTrue(chosen.steps() > FOUR_DECADES.trialSteps() && chosen.steps() < 1000, chosen.toString());
        assertTrue(chosen.bestStep() > 0 && chosen.bestStep() <= chosen.steps());
        // the returned memory is the best iterate
        assertEquals(chosen.bestLoss(), trainer.lossAndGradient(r.a(), r.b(), new double[P + P * P]), 0.0);
        // every rate started from the same memory; 1e-6 is too small to matter in 100 steps, 10 only made it worse
        Map<Double, TiedMemoryTrainer.Trial> byRate = r.trials().stream()
                .collect(Collectors.toMap(TiedMemoryTrainer.Trial::learningRate, t -> t));
        assertEquals(FOUR_DECADES.learningRates(), r.trials().stream().map(TiedMemoryTrainer.Trial::learningRate).toList());
        r.trials().forEach(t -> assertEquals(chosen.initialLoss(), t.initialLoss(), 0.0));
        assertTrue(byRate.get(1e-6).bestLoss() > 0.999 * chosen.initialLoss(), byRate.get(1e-6).toString());
        assertFalse(byRate.get(10.0).improved(), byRate.get(10.0).toString());
        assertEquals(0, byRate.get(10.0).bestStep());
        assertTrue(byRate.get(1e-4).bestLoss() > chosen.bestLoss());
    }

    @Test
    void theStoppingRuleEndsTheRunAtTheToleranceOrTheCap() {
        TiedMemoryTrainer trainer = new TiedMemoryTrainer(secondMoment(sequences(new Random(3))), T);
        List<Double> rate = List.of(1e-2);
        TiedMemoryTrainer.Trial stopped = trainer.search(P, new LearningRateSearch(rate, 100, 5000, 50, 1e-4), 4).chosen();
        TiedMemoryTrainer.Trial looser = trainer.search(P, new LearningRateSearch(rate, 100, 5000, 50, 1e-2), 4).chosen();
        TiedMemoryTrainer.Trial capped = trainer.search(P, new LearningRateSearch(rate, 100, 150, 50, 1e-4), 4).chosen();
        assertEquals(TiedMemoryTrainer.Stop.PLATEAU, looser.stop());
        assertTrue(looser.steps() < stopped.steps() && looser.bestLoss() > stopped.bestLoss(), looser + " vs " + stopped);
        assertEquals(TiedMemoryTrainer.Stop.MAX_STEPS, capped.stop());
        assertEquals(150, capped.steps());
        assertTrue(capped.bestLoss() > stopped.bestLoss());
    }

    @Test
    void whenNoRateImprovesTheResultIsTheInitialisationAndSaysSo() {
        // all-zero sequences: every memory reconstructs them exactly, the loss is 0 from the start
        TiedMemoryTrainer trainer = new TiedMemoryTrainer(new double[T * T], T);
        TiedMemoryTrainer.Result r = trainer.search(P, FOUR_DECADES, 4);
        assertFalse(r.improved());
        for (TiedMemoryTrainer.Trial t : r.trials()) {
            assertEquals(0, t.bestStep(), t.toString());
            assertEquals(TiedMemoryTrainer.Stop.PLATEAU, t.stop(), t.toString());
            assertEquals(FOUR_DECADES.patience(), t.steps(), t.toString());
        }
        assertEquals(1e-6, r.chosen().learningRate(), "the first rate, when all tie");
    }

    static double maxDiff(double[] u, double[] v) {
        double m = 0;
        for (int i = 0; i < u.length; i++) {
            m = Math.max(m, Math.abs(u[i] - v[i]));
        }
        return m;
    }
}
