package ai.laes.report;

import java.util.ArrayList;
import java.util.List;

import ai.laes.data.SequenceExample;
import ai.laes.spark.Stages;
import ai.laes.train.Batches;
import ai.laes.train.EpochPlan;
import ai.laes.train.Evaluator;
import ai.laes.train.FineTuning;
import ai.laes.train.Hyperparameters;
import ai.laes.train.LeastSquaresReadout;
import ai.laes.train.RecurrentClassifiers;
import ai.laes.train.ReadoutScheme;
import ai.laes.train.TrainingDiverged;
import ai.laes.train.ValidatedEpoch;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tuning of each initialised classifier as the fine-tune job does it, from the readout the reference gives it
 * (LMN-LAES its least-squares readout, the others a random one, {@link ReadoutScheme#defaultFor}):
 * parameter averaging with Adam at the budget's learning rate, the reference weight decay and clip norm
 * ({@link RecurrentClassifiers.Settings#reference()}) and the budget's orthogonality penalty (LMN-orthogonal) and memory
 * detach probability (the LMNs), in the loop of the fine-tune job ({@link FineTuning}). The test accuracy is that of
 * the network with the lowest validation loss among the start (epoch 0) and the completed epochs. A run whose loss
 * or parameters stop being finite ({@link TrainingDiverged}) ends there and is reported as diverged, keeping the
 * epochs before. For the LMNs, {@link GradientProbe} measures ||dL/dm_t|| at the first iteration of every epoch and
 * after the last one (claim (2) during fine-tuning).
 */
public final class FinetuneStudy {
    public static final String COMPLETED = "completed";
    private static final Logger LOG = LoggerFactory.getLogger(FinetuneStudy.class);

    /** A network's test accuracy and mean cross-entropy (exact, {@link Evaluator}). */
    public record Score(double accuracy, double loss) {
        static Score of(Evaluator.Result r) {
            return new Score(r.accuracy(), r.loss());
        }
    }

    /**
     * One model's fine-tuning: {@code readoutAccuracy} is the test accuracy of the least-squares readout fitted on the
     * model's memory states (what its recurrent state carries), {@code start} the test score of the network fine-tuning
     * begins with (LMN-LAES: that readout; the others: the reference's random head), {@code finetuned} the test score
     * of the network of the best epoch; {@code curve} holds epoch 0 (the start) and every completed epoch;
     * {@code divergedAt} is the epoch that diverged, 0 if none; {@code gradients} the probes in epoch order (empty for
     * the LSTM).
     */
    public record Run(String model, double readoutAccuracy, Score start, Score finetuned, List<ValidatedEpoch.Outcome> curve,
                      int bestEpoch, int divergedAt, List<GradientProbe.At> gradients) {
        /** Epochs completed. */
        public int epochs() {
            return curve.size() - 1;
        }

        /** {@code completed} or {@code diverged at epoch e}. */
        public String status() {
            return divergedAt == 0 ? COMPLETED : "diverged at epoch " + divergedAt;
        }
    }

    /**
     * The spread of the fine-tuned test accuracy between seeds, which a start's lead must exceed for claim (3)
     * ({@link Verdicts}): {@code spread} and how it was obtained.
     */
    public record SeedSpread(double spread, String how) {
        /** Given on the command line. */
        public static SeedSpread given(double spread) {
            return new SeedSpread(spread, "given (--seed-spread)");
        }
    }

    private FinetuneStudy() {
    }

    /**
     * ND4J frees a buffer's native memory only when its small Java object is collected, which a large, quiet heap
     * postpones: on local[*] (executors in the driver) the per-thread workspaces of one model's T = 784 passes stayed
     * resident into the next until the OS killed the driver. A collection between models returns them.
     */
    static void releaseNativeMemory() {
        System.gc();
    }

    /**
     * Fine-tunes each outcome's network on {@code train} ({@code trainCount} images); test accuracy on {@code test};
     * the LMNs' gradients measured by {@code probe}.
     */
    public static List<Run> run(String task, List<InitialisationStudy.Outcome> outcomes, JavaRDD<? extends SequenceExample> train,
            long trainCount, JavaRDD<? extends SequenceExample> validation, JavaRDD<? extends SequenceExample> test, GradientProbe probe,
            Batches batches, ReportBudget budget, long seed, Stages stages, JavaSparkContext sc) {
        List<Run> runs = new ArrayList<>();
        for (InitialisationStudy.Outcome o : outcomes) {
            runs.add(fineTune(task, o, new FineTuning.Data(train, trainCount, validation, batches), test, probe, budget, seed,
                    stages, sc));
        }
        return runs;
    }

    /**
     * The spread between seeds measured: the LAES-initialised LMN of {@code outcomes} fine-tuned again as in
     * {@link #run}, with seed {@code seed + 1} (another epoch order, other detach draws), against its run {@code first}
     * with {@code seed}: the absolute difference of their test accuracies. One more fine-tuning per task.
     */
    public static SeedSpread seedSpread(String task, List<InitialisationStudy.Outcome> outcomes, List<Run> first,
            JavaRDD<? extends SequenceExample> train, long trainCount, JavaRDD<? extends SequenceExample> validation, JavaRDD<? extends SequenceExample> test,
            Batches batches, ReportBudget budget, long seed, Stages stages, JavaSparkContext sc) {
        InitialisationStudy.Outcome laes = outcomes.stream().filter(o -> InitialisationStudy.LMN_LAES.equals(o.model())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no LAES-initialised LMN to measure the seed spread with"));
        double a = first.stream().filter(r -> r.model().equals(laes.model())).findFirst().orElseThrow().finetuned().accuracy();
        double b = fineTune(task + " (seed " + (seed + 1) + ")", laes, new FineTuning.Data(train, trainCount, validation, batches),
                test, null, budget, seed + 1, stages, sc).finetuned().accuracy();
        return new SeedSpread(Math.abs(a - b), String.format(java.util.Locale.ROOT,
                "measured: %s fine-tuned with seeds %d and %d, test accuracy %.4f and %.4f", laes.model(), seed, seed + 1, a, b));
    }

    /** One model fine-tuned as {@link #run} describes; its gradients probed by {@code probe} (null: not probed). */
    private static Run fineTune(String task, InitialisationStudy.Outcome o, FineTuning.Data data, JavaRDD<? extends SequenceExample> test,
            GradientProbe probe, ReportBudget budget, long seed, Stages stages, JavaSparkContext sc) {
        RecurrentClassifiers.Settings reference = RecurrentClassifiers.Settings.reference();
        Hyperparameters hyper = new Hyperparameters(budget.learningRate(), reference.weightDecay, reference.clipNorm,
                budget.orthogonalityPenaltyOf(o.model()), budget.detachProbabilityOf(o.model()), seed);
        FineTuning.Setup setup = new FineTuning.Setup(budget.epochs(), sc.defaultParallelism(), budget.batchSize(),
                budget.averagingFrequency(), LeastSquaresReadout.BATCH, seed, "report " + task + " " + o.model() + " fine-tune");
        InMemory store = new InMemory(setup.name(), o.isLmn() ? probe : null, stages);
        MultiLayerNetwork net = hyper.applyTo(o.network());
        if (ReadoutScheme.defaultFor(InitialisationStudy.LMN_LAES.equals(o.model())) == ReadoutScheme.RANDOM) {
            ReadoutScheme.random(net, seed); // the reference fine-tunes the other models from a random readout
        }
        Batches batches = data.batches();
        Score start = Score.of(stages.run(setup.name() + ": test the start",
                () -> Evaluator.evaluate(sc, net, test, batches, LeastSquaresReadout.BATCH)));
        FineTuning.Progress begun = FineTuning.start(sc, net, data, setup, stages, store);
        FineTuning.Result result = FineTuning.train(sc, net, begun, data, setup, stages, store);
        if (result.divergedAt() == 0) {
            store.probe(result.progress().epoch(), result.last());
        }
        MultiLayerNetwork chosen = store.best;
        Score finetuned = Score.of(stages.run(setup.name() + ": test",
                () -> Evaluator.evaluate(sc, chosen, test, batches, LeastSquaresReadout.BATCH)));
        releaseNativeMemory();
        return new Run(o.model(), o.accuracy(), start, finetuned, store.curve, result.progress().bestEpoch(), result.divergedAt(),
                List.copyOf(store.gradients));
    }

    /**
     * The report's {@link FineTuning.Store}: the validation curve, a copy of the best network and the gradient probes
     * ({@code probe} null: none), in memory.
     */
    private static final class InMemory implements FineTuning.Store {
        private final String name;
        private final GradientProbe probe;
        private final Stages stages;
        private final List<ValidatedEpoch.Outcome> curve = new ArrayList<>();
        private final List<GradientProbe.At> gradients = new ArrayList<>();
        private MultiLayerNetwork best;

        InMemory(String name, GradientProbe probe, Stages stages) {
            this.name = name;
            this.probe = probe;
            this.stages = stages;
        }

        /** Probes the first iteration of {@code epoch}: the network after {@code epoch - 1} completed epochs. */
        @Override
        public void beforeEpoch(int epoch, MultiLayerNetwork net, EpochPlan plan) {
            probe(epoch - 1, net);
        }

        void probe(int completed, MultiLayerNetwork net) {
            if (probe != null) {
                gradients.add(stages.run(name + ": gradient probe after " + completed + " epochs", () -> probe.at(completed, net)));
            }
        }

        @Override
        public void completed(MultiLayerNetwork net, ValidatedEpoch.Outcome outcome, FineTuning.Progress progress) {
            curve.add(outcome);
            if (progress.lastIsBest()) {
                best = net.clone();
            }
        }

        @Override
        public void diverged(int epoch, FineTuning.Progress progress, TrainingDiverged cause) {
            LOG.warn("{}: {}", name, cause.getMessage());
        }
    }
}
