package ai.laes.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much data and computation each part of the report uses. A count of 0 means all of the split.
 *
 * @param reconstructionTrain training sequences for the three linear memories (LAES fit, least-squares decoders, S)
 * @param reconstructionTest  test sequences for their reconstruction errors
 * @param gdIterations        Adam steps (full batch) of the memory trained through time
 * @param gdLearningRate      its Adam learning rate
 * @param readoutTrain        training sequences for the least-squares readouts of the classifiers
 * @param readoutTest         test sequences for their accuracy
 * @param probeBatch          training sequences in the gradient-norm probe
 */
public record ReportBudget(int reconstructionTrain, int reconstructionTest, int gdIterations, double gdLearningRate,
                           int readoutTrain, int readoutTest, int probeBatch) {

    /** Minutes on a laptop for real MNIST. */
    public static final ReportBudget QUICK = new ReportBudget(2000, 1000, 200, 1e-3, 2000, 1000, 16);
    /** The whole training and test splits; long. */
    public static final ReportBudget FULL = new ReportBudget(0, 0, 2000, 1e-3, 0, 0, 64);

    /** {@code quick} or {@code full}. */
    public static ReportBudget named(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "quick" -> QUICK;
            case "full" -> FULL;
            default -> throw new ai.laes.io.InputException("--budget " + name + ": unknown budget (expected quick or full)");
        };
    }

    /** This budget with every training count capped at {@code limit} (0 = no cap). */
    public ReportBudget limitedTo(int limit) {
        return limit == 0 ? this : new ReportBudget(cap(reconstructionTrain, limit), reconstructionTest, gdIterations,
                gdLearningRate, cap(readoutTrain, limit), readoutTest, Math.min(probeBatch, limit));
    }

    private static int cap(int count, int limit) {
        return count == 0 ? limit : Math.min(count, limit);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reconstruction_train_sequences", reconstructionTrain);
        m.put("reconstruction_test_sequences", reconstructionTest);
        m.put("gd_adam_iterations", gdIterations);
        m.put("gd_learning_rate", gdLearningRate);
        m.put("readout_train_sequences", readoutTrain);
        m.put("readout_test_sequences", readoutTest);
        m.put("gradient_probe_batch", probeBatch);
        return m;
    }
}
