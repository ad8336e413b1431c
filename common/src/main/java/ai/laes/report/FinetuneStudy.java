package ai.laes.report;

import java.util.ArrayList;
import java.util.List;

import ai.laes.data.LabeledImage;
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

    /**
     * One model's fine-tuning: {@code curve} holds epoch 0 (the initial network) and every completed epoch;
     * {@code divergedAt} is the epoch that diverged, 0 if none; {@code gradients} the probes in epoch order (empty for
     * the LSTM).
     */
    public record Run(String model, double initAccuracy, double finetunedAccuracy, List<ValidatedEpoch.Outcome> curve,
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
    public static List<Run> run(String task, List<InitialisationStudy.Outcome> outcomes, JavaRDD<LabeledImage> train,
            long trainCount, JavaRDD<LabeledImage> validation, JavaRDD<LabeledImage> test, GradientProbe probe,
            Batches batches, ReportBudget budget, long seed, Stages stages, JavaSparkContext sc) {
        RecurrentClassifiers.Settings reference = RecurrentClassifiers.Settings.reference();
        FineTuning.Data data = new FineTuning.Data(train, trainCount, validation, batches);
        List<Run> runs = new ArrayList<>();
        for (InitialisationStudy.Outcome o : outcomes) {
            Hyperparameters hyper = new Hyperparameters(budget.learningRate(), reference.weightDecay, reference.clipNorm,
                    budget.orthogonalityPenaltyOf(o.model()), budget.detachProbabilityOf(o.model()), seed);
            FineTuning.Setup setup = new FineTuning.Setup(budget.epochs(), sc.defaultParallelism(), budget.batchSize(),
                    budget.averagingFrequency(), LeastSquaresReadout.BATCH, seed, "report " + task + " " + o.model() + " fine-tune");
            InMemory store = new InMemory(setup.name(), o.isLmn() ? probe : null, stages);
            MultiLayerNetwork net = hyper.applyTo(o.network());
            if (ReadoutScheme.defaultFor(InitialisationStudy.LMN_LAES.equals(o.model())) == ReadoutScheme.RANDOM) {
                ReadoutScheme.random(net, seed); // the reference fine-tunes the other models from a random readout
            }
            FineTuning.Progress start = FineTuning.start(sc, net, data, setup, stages, store);
            FineTuning.Result result = FineTuning.train(sc, net, start, data, setup, stages, store);
            if (result.divergedAt() == 0) {
                store.probe(result.progress().epoch(), result.last());
            }
            MultiLayerNetwork chosen = store.best;
            double accuracy = stages.run(setup.name() + ": test",
                    () -> Evaluator.evaluate(sc, chosen, test, batches, LeastSquaresReadout.BATCH).accuracy());
            runs.add(new Run(o.model(), o.accuracy(), accuracy, store.curve, result.progress().bestEpoch(), result.divergedAt(),
                    List.copyOf(store.gradients)));
            releaseNativeMemory();
        }
        return runs;
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
