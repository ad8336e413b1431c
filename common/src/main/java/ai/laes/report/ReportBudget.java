package ai.laes.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much data and computation each part of the report uses, per task. A count of 0 means all of the split.
 *
 * @param reconstructionTrain  training sequences for the linear memories (LAES fit, least-squares decoders, S)
 * @param reconstructionTest   test sequences for their reconstruction errors
 * @param gdSearch             learning rates and stopping rule of the memory trained through time (full-batch Adam)
 * @param readoutTrain         training sequences for the least-squares readouts of the classifiers
 * @param readoutTest          test sequences for their accuracy, after initialisation and after fine-tuning
 * @param probeBatch           training sequences in the gradient-norm probe
 * @param finetuneTrain        training sequences of the fine-tuning (the first of the training split)
 * @param finetuneValidation   validation-split sequences scored after every epoch
 * @param epochs               fine-tuning epochs
 * @param learningRate         Adam learning rate of the fine-tuning
 * @param batchSize            minibatch size per worker
 * @param averagingFrequency   minibatches per worker between parameter averagings
 */
public record ReportBudget(int reconstructionTrain, int reconstructionTest, LearningRateSearch gdSearch,
                           int readoutTrain, int readoutTest, int probeBatch,
                           int finetuneTrain, int finetuneValidation, int epochs, double learningRate, int batchSize,
                           int averagingFrequency) {

    /**
     * Both tasks on real MNIST in well under an hour on 2 cores: the LMN trains at about 120 and the LSTM at about
     * 15 sequences per second per core at T = 784, so the fine-tuning is 1,000 sequences for 3 epochs. Adam at 1e-4:
     * at the reference 1e-3 every model, started from its least-squares readout, collapsed within the first averaging
     * round on real MNIST (LMN-LAES and LSTM to validation loss ~20, orthogonal and random LMN to NaN).
     */
    public static final ReportBudget QUICK = new ReportBudget(2000, 1000, LearningRateSearch.upTo(2000), 2000, 1000, 16,
            1000, 500, 3, 1e-4, 64, 5);
    /** The whole training, validation and test splits and the reference fine-tuning (100 epochs); for a cluster. */
    public static final ReportBudget FULL = new ReportBudget(0, 0, LearningRateSearch.upTo(10_000), 0, 0, 64,
            0, 0, 100, 1e-3, 64, 5);

    /** {@code quick} or {@code full}. */
    public static ReportBudget named(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "quick" -> QUICK;
            case "full" -> FULL;
            default -> throw new ai.laes.io.InputException("--budget " + name + ": unknown budget (expected quick or full)");
        };
    }

    /** This budget with every training and validation count capped at {@code limit} (0 = no cap). */
    public ReportBudget limitedTo(int limit) {
        return limit == 0 ? this : new ReportBudget(cap(reconstructionTrain, limit), reconstructionTest, gdSearch,
                cap(readoutTrain, limit), readoutTest, Math.min(probeBatch, limit),
                cap(finetuneTrain, limit), cap(finetuneValidation, limit), epochs, learningRate, batchSize, averagingFrequency);
    }

    /** This budget with {@code epochs} fine-tuning epochs at {@code learningRate} (0 = unchanged, each). */
    public ReportBudget withFinetuning(int epochs, double learningRate) {
        return new ReportBudget(reconstructionTrain, reconstructionTest, gdSearch,
                readoutTrain, readoutTest, probeBatch, finetuneTrain, finetuneValidation, epochs == 0 ? this.epochs : epochs,
                learningRate == 0 ? this.learningRate : learningRate, batchSize, averagingFrequency);
    }

    /** Training sequences needed by all parts (0 = the whole split). */
    public int trainNeeded() {
        return needed(reconstructionTrain, readoutTrain, finetuneTrain, probeBatch);
    }

    /** Test sequences needed by all parts (0 = the whole split). */
    public int testNeeded() {
        return needed(reconstructionTest, readoutTest);
    }

    private static int needed(int... counts) {
        int max = 0;
        for (int c : counts) {
            if (c == 0) {
                return 0;
            }
            max = Math.max(max, c);
        }
        return max;
    }

    private static int cap(int count, int limit) {
        return count == 0 ? limit : Math.min(count, limit);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reconstruction_train_sequences", reconstructionTrain);
        m.put("reconstruction_test_sequences", reconstructionTest);
        m.put("gd_learning_rate_search", gdSearch.asMap());
        m.put("readout_train_sequences", readoutTrain);
        m.put("readout_test_sequences", readoutTest);
        m.put("gradient_probe_batch", probeBatch);
        m.put("finetune_train_sequences", finetuneTrain);
        m.put("finetune_validation_sequences", finetuneValidation);
        m.put("finetune_epochs", epochs);
        m.put("finetune_learning_rate", learningRate);
        m.put("finetune_batch_size", batchSize);
        m.put("finetune_averaging_frequency", averagingFrequency);
        return m;
    }
}
