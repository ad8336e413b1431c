package ai.laes.train;

import java.util.function.Consumer;

import ai.laes.data.SequenceExample;
import ai.laes.spark.Stages;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one fine-tuning loop of the fine-tune job and the report: the network fine-tuning starts from is validated
 * (epoch 0, {@link #start}); then every epoch trains by parameter averaging and is validated ({@link ValidatedEpoch});
 * the best network is the one with the lowest validation loss among the start and the completed epochs, so a run
 * that only makes the network worse hands back the start (a 3-epoch run at Adam 1e-3 from the LAES start went from
 * validation loss 0.495 to 7.45 / 2.68 / 2.41: its best trained epoch had test accuracy 0.12, the start 0.85).
 * <p>
 * What differs between the two callers is behind {@link Store}: the job writes a checkpoint per epoch and can resume
 * from one, and stops on a diverged loss; the report keeps the best network in memory and records a divergence as
 * the end of that model's run.
 */
public final class FineTuning {
    private static final Logger LOG = LoggerFactory.getLogger(FineTuning.class);

    private FineTuning() {
    }

    /**
     * How to fine-tune: {@code epochs} epochs of parameter averaging over {@code workers} workers, minibatches of
     * {@code batchSize}, averaging every {@code averagingFrequency} minibatches, the epoch order drawn from
     * {@code seed}; validation in minibatches of {@code evalBatchSize}; {@code name} labels the stages and logs.
     */
    public record Setup(int epochs, int workers, int batchSize, int averagingFrequency, int evalBatchSize, long seed,
                        String name) {
    }

    /**
     * The sequences: {@code trainCount} training sequences, the validation sequences, how both become minibatches, and
     * whether an epoch's minibatches are grouped by length ({@link EpochPlan#byLength}: for sequences of different
     * lengths) or plainly shuffled ({@link EpochPlan#of}: equal lengths, as MNIST).
     */
    public record Data(JavaRDD<? extends SequenceExample> train, long trainCount, JavaRDD<? extends SequenceExample> validation,
                       Batches batches, boolean byLength) {
        /** Plainly shuffled minibatches (sequences of equal lengths). */
        public Data(JavaRDD<? extends SequenceExample> train, long trainCount, JavaRDD<? extends SequenceExample> validation,
                    Batches batches) {
            this(train, trainCount, validation, batches, false);
        }
    }

    /** Where a run stands: the last completed epoch (0 = the validated start) and the best one so far. */
    public record Progress(int epoch, int bestEpoch, double bestValLoss) {
        /** After {@code outcome}: its epoch is the new best if its validation loss is lower than the best so far. */
        Progress after(ValidatedEpoch.Outcome outcome) {
            boolean best = outcome.valLoss() < bestValLoss;
            return new Progress(outcome.epoch(), best ? outcome.epoch() : bestEpoch, best ? outcome.valLoss() : bestValLoss);
        }

        /** True if the last completed epoch is the best. */
        public boolean lastIsBest() {
            return epoch == bestEpoch;
        }
    }

    /** How a run ended: where it stands, the epoch that diverged (0: none), and the last network trained. */
    public record Result(Progress progress, int divergedAt, MultiLayerNetwork last) {
    }

    /** What the job and the report do differently with the networks of a run. */
    public interface Store {
        /**
         * Epoch {@code outcome.epoch()} is complete (0: the validated start); {@code net} is the network after it and
         * {@code progress} already counts it.
         */
        void completed(MultiLayerNetwork net, ValidatedEpoch.Outcome outcome, Progress progress);

        /** Epoch {@code epoch} diverged after {@code progress}: throw to stop the run, or return to end it there. */
        void diverged(int epoch, Progress progress, TrainingDiverged cause);

        /** Called with each epoch's plan before it trains, on the network as it is then (e.g. a gradient probe). */
        default void beforeEpoch(int epoch, MultiLayerNetwork net, EpochPlan plan) {
        }
    }

    /** Validates the start {@code net} as epoch 0 and hands it to {@code store}; the progress to train from. */
    public static Progress start(JavaSparkContext sc, MultiLayerNetwork net, Data data, Setup setup, Stages stages,
            Store store) {
        Evaluator.Result initial = stages.run(setup.name() + " epoch 0: validate the start",
                () -> Evaluator.evaluate(sc, net, data.validation(), data.batches(), setup.evalBatchSize()));
        ValidatedEpoch.Outcome zero = new ValidatedEpoch.Outcome(0, Double.NaN, initial.loss(), initial.accuracy(), 0, Double.NaN);
        Progress progress = new Progress(0, 0, Double.POSITIVE_INFINITY).after(zero);
        LOG.info("{} epoch 0 (the start): validation loss {}, accuracy {}", setup.name(), initial.loss(), initial.accuracy());
        store.completed(net, zero, progress);
        return progress;
    }

    /** Trains {@code net} from {@code progress} (its last completed epoch) to {@code setup.epochs()}. */
    public static Result train(JavaSparkContext sc, MultiLayerNetwork net, Progress progress, Data data, Setup setup,
            Stages stages, Store store) {
        ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(sc, net, setup.workers(), setup.batchSize(),
                setup.averagingFrequency(), setup.seed());
        Progress now = progress;
        for (int epoch = now.epoch() + 1; epoch <= setup.epochs(); epoch++) {
            int e = epoch;
            Consumer<EpochPlan> before = plan -> store.beforeEpoch(e, trainer.network(), plan);
            ValidatedEpoch.Outcome outcome;
            try {
                outcome = ValidatedEpoch.run(sc, trainer, data, setup.seed(), epoch, setup.epochs(), setup.evalBatchSize(), stages, setup.name(), before);
            } catch (TrainingDiverged d) {
                store.diverged(epoch, now, d);
                return new Result(now, epoch, trainer.network());
            }
            now = now.after(outcome);
            LOG.info("{} epoch {}/{}: train loss {}, validation loss {}, accuracy {}, {} examples/s{}", setup.name(), epoch,
                    setup.epochs(), outcome.trainLoss(), outcome.valLoss(), outcome.valAccuracy(),
                    Math.round(outcome.examplesPerSecond()), now.lastIsBest() ? " (best)" : "");
            store.completed(trainer.network(), outcome, now);
        }
        return new Result(now, 0, trainer.network());
    }
}
