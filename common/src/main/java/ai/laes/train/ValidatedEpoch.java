package ai.laes.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import ai.laes.data.SequenceExample;
import ai.laes.spark.Stages;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One fine-tuning epoch as the fine-tune job and the report run it: the epoch's shuffled plan
 * ({@link EpochPlan#of}, a function of seed and epoch), one pass of parameter averaging over it
 * ({@link ParameterAveragingTrainer#fitEpoch}), then the validation loss and accuracy of the driver's
 * network ({@link Evaluator#evaluate}). A {@link TrainingDiverged} from the pass propagates.
 */
public final class ValidatedEpoch {
    private ValidatedEpoch() {
    }

    /** What epoch {@code epoch} did. */
    public record Outcome(int epoch, double trainLoss, double valLoss, double valAccuracy, double seconds,
                          double examplesPerSecond) {
        /** The metrics.jsonl record of this epoch. */
        public Map<String, Object> record(double learningRate) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch);
            m.put("train_loss", trainLoss);
            m.put("val_loss", valLoss);
            m.put("val_accuracy", valAccuracy);
            m.put("seconds", seconds);
            m.put("examples_per_second", examplesPerSecond);
            m.put("learning_rate", learningRate);
            return m;
        }
    }

    /**
     * Trains epoch {@code epoch} of {@code epochs} on {@code data}'s training sequences (grouped by length if
     * {@link FineTuning.Data#byLength}) and validates on its validation sequences; {@code beforeTraining} sees the epoch's plan first (e.g. a gradient probe on its first
     * minibatch). Stages are named "{@code name} epoch e/E: train" and ": validate".
     */
    public static Outcome run(JavaSparkContext sc, ParameterAveragingTrainer trainer, FineTuning.Data data, long seed,
            int epoch, int epochs, int evalBatchSize, Stages stages, String name, Consumer<EpochPlan> beforeTraining) {
        String label = String.format(Locale.ROOT, "%s epoch %d/%d", name, epoch, epochs);
        Batches batches = data.batches();
        JavaRDD<? extends SequenceExample> validation = data.validation();
        EpochPlan plan = data.byLength()
                ? EpochPlan.byLength(data.train(), data.trainCount(), batches, seed, epoch, trainer.batchSize(), trainer.workers(),
                        trainer.frequency())
                : EpochPlan.of(data.train(), data.trainCount(), seed, epoch, trainer.batchSize(), trainer.workers(), trainer.frequency());
        try {
            beforeTraining.accept(plan);
            ParameterAveragingTrainer.EpochResult result = stages.run(label + ": train", () -> trainer.fitEpoch(plan, batches, label));
            Evaluator.Result val = stages.run(label + ": validate",
                    () -> Evaluator.evaluate(sc, trainer.network(), validation, batches, evalBatchSize));
            return new Outcome(epoch, result.trainLoss(), val.loss(), val.accuracy(), result.seconds(), result.examplesPerSecond());
        } finally {
            plan.release();
        }
    }
}
