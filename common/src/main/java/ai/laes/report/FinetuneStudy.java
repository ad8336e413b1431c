package ai.laes.report;

import java.util.ArrayList;
import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.lmn.LmnNetworks;
import ai.laes.spark.Stages;
import ai.laes.train.Batches;
import ai.laes.train.Evaluator;
import ai.laes.train.Hyperparameters;
import ai.laes.train.LeastSquaresReadout;
import ai.laes.train.ParameterAveragingTrainer;
import ai.laes.train.TrainingDiverged;
import ai.laes.train.ValidatedEpoch;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tuning of each initialised classifier (after its least-squares readout) as the fine-tune job does it:
 * parameter averaging with Adam at the budget's learning rate, the reference weight decay and clip norm
 * ({@link LmnNetworks.Settings#reference()}), validated after every epoch ({@link ValidatedEpoch}). The test
 * accuracy is that of the network with the lowest validation loss among the completed epochs 1..E, or of the
 * initial network (epoch 0) if no epoch completed. A run whose loss or parameters stop being finite
 * ({@link TrainingDiverged}) ends there and is reported as diverged, keeping the epochs before.
 */
public final class FinetuneStudy {
    public static final String COMPLETED = "completed";
    private static final Logger LOG = LoggerFactory.getLogger(FinetuneStudy.class);

    /**
     * One model's fine-tuning: {@code curve} holds epoch 0 (the initial network) and every completed epoch;
     * {@code divergedAt} is the epoch that diverged, 0 if none.
     */
    public record Run(String model, double initAccuracy, double finetunedAccuracy, List<ValidatedEpoch.Outcome> curve,
                      int bestEpoch, int divergedAt) {
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

    /** Fine-tunes each outcome's network on {@code train} ({@code trainCount} images); test accuracy on {@code test}. */
    public static List<Run> run(String task, List<InitialisationStudy.Outcome> outcomes, JavaRDD<LabeledImage> train,
            long trainCount, JavaRDD<LabeledImage> validation, JavaRDD<LabeledImage> test, Batches batches,
            ReportBudget budget, long seed, Stages stages, JavaSparkContext sc) {
        LmnNetworks.Settings reference = LmnNetworks.Settings.reference();
        Hyperparameters hyper = new Hyperparameters(budget.learningRate(), reference.weightDecay, reference.clipNorm);
        List<Run> runs = new ArrayList<>();
        for (InitialisationStudy.Outcome o : outcomes) {
            String name = "report " + task + " " + o.model() + " fine-tune";
            MultiLayerNetwork net = hyper.applyTo(o.network());
            List<ValidatedEpoch.Outcome> curve = new ArrayList<>();
            Evaluator.Result initial = stages.run(name + " epoch 0: validate",
                    () -> Evaluator.evaluate(sc, net, validation, batches, LeastSquaresReadout.BATCH));
            curve.add(new ValidatedEpoch.Outcome(0, Double.NaN, initial.loss(), initial.accuracy(), 0, Double.NaN));
            LOG.info("{} epoch 0 (initialised): validation loss {}, accuracy {}", name, initial.loss(), initial.accuracy());
            ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(sc, net, sc.defaultParallelism(),
                    budget.batchSize(), budget.averagingFrequency(), seed);
            MultiLayerNetwork best = net.clone();
            int bestEpoch = 0;
            double bestLoss = Double.POSITIVE_INFINITY;
            int divergedAt = 0;
            for (int epoch = 1; epoch <= budget.epochs(); epoch++) {
                ValidatedEpoch.Outcome e;
                try {
                    e = ValidatedEpoch.run(sc, trainer, train, trainCount, validation, batches, seed, epoch, budget.epochs(),
                            LeastSquaresReadout.BATCH, stages, name, plan -> { });
                } catch (TrainingDiverged d) {
                    LOG.warn("{}: {}", name, d.getMessage());
                    divergedAt = epoch;
                    break;
                }
                curve.add(e);
                LOG.info("{} epoch {}: train loss {}, validation loss {}, accuracy {}", name, epoch, e.trainLoss(),
                        e.valLoss(), e.valAccuracy());
                if (e.valLoss() < bestLoss) {
                    bestLoss = e.valLoss();
                    bestEpoch = epoch;
                    best = trainer.network().clone();
                }
            }
            MultiLayerNetwork chosen = best;
            double accuracy = stages.run(name + ": test",
                    () -> Evaluator.evaluate(sc, chosen, test, batches, LeastSquaresReadout.BATCH).accuracy());
            runs.add(new Run(o.model(), o.accuracy(), accuracy, curve, bestEpoch, divergedAt));
            releaseNativeMemory();
        }
        return runs;
    }
}
