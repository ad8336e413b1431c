package ai.laes.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import ai.laes.data.SequenceExample;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FineTuning}'s loop on one core, without Spark and without parameter averaging, for a grid task that trains
 * one network where it runs: the start is validated as epoch 0; every epoch fits the minibatches of the same shuffle
 * as the parameter-averaging plan ({@link EpochPlan#shuffleKey} of (seed, epoch, index), a pure function, so a
 * resumed run retraces the uninterrupted one) one {@code fit} at a time, then validates on the driver-free
 * {@link Evaluator#evaluateLocally}; the best network is the one with the lowest validation loss, the start included.
 * A non-finite minibatch loss or parameter ends the run at that epoch through {@link FineTuning.Store#diverged}.
 */
public final class LocalFineTuning {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFineTuning.class);

    private LocalFineTuning() {
    }

    /** The sequences, in memory: training and validation sequences and how they become minibatches. */
    public record Data(List<? extends SequenceExample> train, List<? extends SequenceExample> validation, Batches batches) {
    }

    /** Validates the start {@code net} as epoch 0 and hands it to {@code store}; the progress to train from. */
    public static FineTuning.Progress start(MultiLayerNetwork net, Data data, FineTuning.Setup setup, FineTuning.Store store) {
        long t0 = System.nanoTime();
        Evaluator.Result initial = Evaluator.evaluateLocally(net, data.validation(), data.batches(), setup.evalBatchSize());
        ValidatedEpoch.Outcome zero = new ValidatedEpoch.Outcome(0, Double.NaN, initial.loss(), initial.accuracy(),
                (System.nanoTime() - t0) / 1e9, Double.NaN);
        FineTuning.Progress progress = new FineTuning.Progress(0, 0, Double.POSITIVE_INFINITY).after(zero);
        store.completed(net, zero, progress);
        return progress;
    }

    /** Trains {@code net} from {@code progress} (its last completed epoch) to {@code setup.epochs()}. */
    public static FineTuning.Result train(MultiLayerNetwork net, FineTuning.Progress progress, Data data,
            FineTuning.Setup setup, FineTuning.Store store) {
        FineTuning.Progress now = progress;
        for (int epoch = now.epoch() + 1; epoch <= setup.epochs(); epoch++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            List<SequenceExample> order = order(data.train(), setup.seed(), epoch);
            for (int from = 0; from < order.size(); from += setup.batchSize()) {
                List<SequenceExample> batch = order.subList(from, Math.min(order.size(), from + setup.batchSize()));
                net.fit(data.batches().dataSet(batch));
                double loss = net.score();
                if (!Double.isFinite(loss) || !ParameterAveragingTrainer.finite(net)) {
                    store.diverged(epoch, now, new TrainingDiverged(String.format(Locale.ROOT,
                            "%s epoch %d/%d: training loss became %s at example %d", setup.name(), epoch, setup.epochs(), loss, from)));
                    return new FineTuning.Result(now, epoch, net);
                }
                lossSum += CrossEntropy.withoutRegularisation(net, loss) * batch.size();
            }
            net.setEpochCount(net.getEpochCount() + 1);
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            Evaluator.Result val = Evaluator.evaluateLocally(net, data.validation(), data.batches(), setup.evalBatchSize());
            ValidatedEpoch.Outcome outcome = new ValidatedEpoch.Outcome(epoch, lossSum / order.size(), val.loss(), val.accuracy(),
                    (System.nanoTime() - t0) / 1e9, order.size() / trainSeconds);
            now = now.after(outcome);
            LOG.info("{} epoch {}/{}: train loss {}, validation loss {}, accuracy {}, {} examples/s{}", setup.name(), epoch,
                    setup.epochs(), outcome.trainLoss(), outcome.valLoss(), outcome.valAccuracy(),
                    Math.round(outcome.examplesPerSecond()), now.lastIsBest() ? " (best)" : "");
            store.completed(net, outcome, now);
        }
        return new FineTuning.Result(now, 0, net);
    }

    /** Epoch {@code epoch}'s training order: by {@link EpochPlan#shuffleKey}, as the parameter-averaging plan. */
    static List<SequenceExample> order(List<? extends SequenceExample> examples, long seed, int epoch) {
        List<SequenceExample> out = new ArrayList<>(examples);
        out.sort(Comparator.comparingLong(e -> EpochPlan.shuffleKey(seed, epoch, e.key())));
        return out;
    }
}
