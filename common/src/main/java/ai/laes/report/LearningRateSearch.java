package ai.laes.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link TiedMemoryTrainer#search} trains the memory through time: every learning rate of
 * {@code learningRates} runs Adam from the same initialisation for up to {@code trialSteps} steps; the rate with
 * the lowest training loss then continues (same Adam state) up to {@code maxSteps} steps in all. Every run stops
 * early under the stopping rule: when its best loss has not fallen by a relative {@code tolerance} within the last
 * {@code patience} steps (a plateau), or when its loss stops being finite (diverged).
 *
 * @param learningRates Adam learning rates tried, ascending
 * @param trialSteps    steps per learning rate before the choice
 * @param maxSteps      cap on the steps of the chosen learning rate
 * @param patience      steps without a relative improvement of {@code tolerance} that end a run
 * @param tolerance     the relative improvement of the best loss that counts as progress
 */
public record LearningRateSearch(List<Double> learningRates, int trialSteps, int maxSteps, int patience, double tolerance) {
    /**
     * Six decades, 1e-6 .. 1e-1. With a fixed 1e-3 the quick report's memory never trained at T >= 196 (best step 0):
     * Adam's first steps pushed B's spectral radius past 1 and B^783 exploded. Measured with this search on 2,000
     * MNIST training sequences, p = 128: the rate chosen falls from 1e-3 (T = 49) through 1e-4 (T = 98 to 392) to
     * 1e-5 (T = 784, both tasks), and every T trains (sMNIST T = 784: loss 0.0932 to 0.0718 in 1,687 steps).
     */
    public static final List<Double> DECADES = List.of(1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1);
    public static final int TRIAL_STEPS = 100;
    public static final int PATIENCE = 50;
    public static final double TOLERANCE = 1e-4;

    public LearningRateSearch {
        learningRates = List.copyOf(learningRates);
        if (learningRates.isEmpty() || trialSteps < 1 || maxSteps < trialSteps || patience < 1 || !(tolerance >= 0)) {
            throw new IllegalArgumentException("learning-rate search: " + learningRates + ", trial " + trialSteps + ", max "
                    + maxSteps + ", patience " + patience + ", tolerance " + tolerance);
        }
    }

    /** The six decades, {@link #TRIAL_STEPS} each, the stopping rule of {@link #PATIENCE} and {@link #TOLERANCE}. */
    public static LearningRateSearch upTo(int maxSteps) {
        return new LearningRateSearch(DECADES, TRIAL_STEPS, maxSteps, PATIENCE, TOLERANCE);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learning_rates", learningRates);
        m.put("trial_steps", trialSteps);
        m.put("max_steps", maxSteps);
        m.put("patience", patience);
        m.put("relative_tolerance", tolerance);
        return m;
    }
}
