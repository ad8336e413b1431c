package ai.laes.report;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import ai.laes.io.InputException;

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
 * @param orthogonalityPenalty alpha of the penalty alpha ||W_mm W_mm^T - I||_F^2 in the fine-tuning of LMN-orthogonal
 * @param detachProbability    probability of detaching m_{t-1} from the functional component per step, every LMN
 */
public record ReportBudget(int reconstructionTrain, int reconstructionTest, LearningRateSearch gdSearch,
                           int readoutTrain, int readoutTest, int probeBatch,
                           int finetuneTrain, int finetuneValidation, int epochs, double learningRate, int batchSize,
                           int averagingFrequency, double orthogonalityPenalty, double detachProbability) {

    /**
     * Both tasks on real MNIST in well under an hour on 2 cores: the LMN trains at about 120 and the LSTM at about
     * 15 sequences per second per core at T = 784, so the fine-tuning is 1,000 sequences for 3 epochs. Adam at 1e-4:
     * at the reference 1e-3 every model, started from its least-squares readout, collapsed within the first averaging
     * round on real MNIST (LMN-LAES and LSTM to validation loss ~20, orthogonal and random LMN to NaN).
     */
    public static final ReportBudget QUICK = new ReportBudget(2000, 1000, LearningRateSearch.upTo(2000), 2000, 1000, 16,
            1000, 500, 3, 1e-4, 64, 5, 0, 0);
    /** The penalty of LMN-orthogonal in the standard and full budgets: the middle of the reference's 1e-4..1e-1. */
    static final double ORTHOGONAL_PENALTY = 1e-2;
    /**
     * What the paper shows at a budget 2 cores run: both tasks, the full validation and test splits, 10,000 training
     * sequences (memories, readouts and fine-tuning), 3 epochs at Adam 1e-4 (1e-3 wrecks the LAES memory within 25
     * steps, in the reference's PyTorch module too), LMN-orthogonal with the orthogonality penalty.
     */
    public static final ReportBudget STANDARD = new ReportBudget(10000, 0, LearningRateSearch.upTo(5000), 10000, 0, 64,
            10000, 0, 3, 1e-4, 64, 5, ORTHOGONAL_PENALTY, 0);
    /** The whole training, validation and test splits and the reference fine-tuning (100 epochs); for a cluster. */
    public static final ReportBudget FULL = new ReportBudget(0, 0, LearningRateSearch.upTo(10_000), 0, 0, 64,
            0, 0, 100, 1e-3, 64, 5, ORTHOGONAL_PENALTY, 0);

    /** {@code quick}, {@code standard} or {@code full}. */
    public static ReportBudget named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "quick" -> QUICK;
            case "standard" -> STANDARD;
            case "full" -> FULL;
            default -> throw new InputException("--budget " + name + ": unknown budget (expected quick, standard or full)");
        };
    }

    /** The orthogonality penalty of {@code model}'s fine-tuning: the budget's for LMN-orthogonal, 0 for the others. */
    public double orthogonalityPenaltyOf(String model) {
        return InitialisationStudy.LMN_ORTHOGONAL.equals(model) ? orthogonalityPenalty : 0;
    }

    /** The detach probability of {@code model}'s fine-tuning: the budget's for the LMNs, 0 for the LSTM. */
    public double detachProbabilityOf(String model) {
        return InitialisationStudy.LSTM.equals(model) ? 0 : detachProbability;
    }

    /** This budget with every training and validation count capped at {@code limit} (0 = no cap). */
    public ReportBudget limitedTo(int limit) {
        return limit == 0 ? this : new ReportBudget(cap(reconstructionTrain, limit), reconstructionTest, gdSearch,
                cap(readoutTrain, limit), readoutTest, Math.min(probeBatch, limit),
                cap(finetuneTrain, limit), cap(finetuneValidation, limit), epochs, learningRate, batchSize, averagingFrequency,
                orthogonalityPenalty, detachProbability);
    }

    /** This budget with {@code epochs} fine-tuning epochs at {@code learningRate} (0 = unchanged, each). */
    public ReportBudget withFinetuning(int epochs, double learningRate) {
        return new ReportBudget(reconstructionTrain, reconstructionTest, gdSearch,
                readoutTrain, readoutTest, probeBatch, finetuneTrain, finetuneValidation, epochs == 0 ? this.epochs : epochs,
                learningRate == 0 ? this.learningRate : learningRate, batchSize, averagingFrequency, orthogonalityPenalty,
                detachProbability);
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
        m.put("finetune_orthogonality_penalty_lmn_orthogonal", orthogonalityPenalty);
        m.put("finetune_detach_probability_lmn", detachProbability);
        return m;
    }
}
