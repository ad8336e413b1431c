package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.spark.SparkTestBase;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/** The grid's one-core loop against the parameter-averaging loop, and its epochs, best and divergence as the Store sees them. */
class LocalFineTuningTest extends SparkTestBase {
    /** What a store was told: completed epochs (with the best so far) and a divergence. */
    static final class Recording implements FineTuning.Store {
        final List<int[]> completed = new ArrayList<>();
        final List<Double> valLosses = new ArrayList<>();
        int diverged;
        /** After this epoch the network's parameters are made NaN (0: never): the next epoch must diverge. */
        int poisonAfter;

        @Override
        public void completed(MultiLayerNetwork net, ValidatedEpoch.Outcome outcome, FineTuning.Progress progress) {
            completed.add(new int[] {outcome.epoch(), progress.bestEpoch()});
            valLosses.add(outcome.valLoss());
            if (outcome.epoch() == poisonAfter && poisonAfter > 0) {
                net.params().assign(Double.NaN);
            }
        }

        @Override
        public void diverged(int epoch, FineTuning.Progress progress, TrainingDiverged cause) {
            diverged = epoch;
        }
    }

    @Test
    void equalsOneWorkerAveragingEveryStepBitForBit() {
        List<LabeledImage> images = TrainFixtures.images(48, 1);
        List<LabeledImage> validation = TrainFixtures.images(32, 2);
        JavaRDD<LabeledImage> rdd = jsc.parallelize(images, 3);
        Batches batches = TrainFixtures.batches(12);
        ModelFactory factory = new LmnClassifier(1, 6, new Hyperparameters(1e-2, 1e-3, 1.0, 0.01, 0.25, 7), LmnInitializer::orthogonal);
        ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(jsc, factory.create(7), 1, 16, 1, 7);
        for (int epoch = 1; epoch <= 2; epoch++) {
            EpochPlan plan = EpochPlan.of(rdd, images.size(), 7, epoch, 16, 1, 1);
            trainer.fitEpoch(plan, batches, "test epoch " + epoch);
            plan.release();
        }

        MultiLayerNetwork local = factory.create(7);
        FineTuning.Setup setup = new FineTuning.Setup(2, 1, 16, 1, 16, 7, "test");
        LocalFineTuning.Data data = new LocalFineTuning.Data(images, validation, batches);
        Recording store = new Recording();
        FineTuning.Progress start = LocalFineTuning.start(local, data, setup, store);
        FineTuning.Result result = LocalFineTuning.train(local, start, data, setup, store);

        assertEquals(0, result.divergedAt());
        assertEquals(trainer.network().getIterationCount(), local.getIterationCount());
        assertEquals(2, local.getEpochCount());
        assertArrayEquals(trainer.network().params().toFloatVector(), local.params().toFloatVector(), "parameters, bit for bit");
        assertEquals(List.of(0, 1, 2), store.completed.stream().map(c -> c[0]).toList());
        int best = store.valLosses.indexOf(store.valLosses.stream().min(Double::compare).orElseThrow());
        assertEquals(best, result.progress().bestEpoch());
        assertEquals(store.valLosses.get(best), result.progress().bestValLoss(), 0.0);
        assertEquals(Evaluator.evaluateLocally(local, validation, batches, 16).loss(), store.valLosses.get(2), 0.0);
    }

    @Test
    void aDivergedEpochEndsTheRunKeepingTheBest() {
        List<LabeledImage> images = TrainFixtures.images(48, 3);
        Batches batches = TrainFixtures.batches(12);
        MultiLayerNetwork net = TrainFixtures.sgdLstm(5, 0.1).create(3);
        FineTuning.Setup setup = new FineTuning.Setup(3, 1, 16, 1, 16, 3, "test");
        LocalFineTuning.Data data = new LocalFineTuning.Data(images, images, batches);
        Recording store = new Recording();
        store.poisonAfter = 1;
        FineTuning.Result result = LocalFineTuning.train(net, LocalFineTuning.start(net, data, setup, store), data, setup, store);
        assertEquals(2, result.divergedAt());
        assertEquals(2, store.diverged);
        assertEquals(1, result.progress().epoch(), "the last completed epoch is the one before");
        assertEquals(List.of(0, 1), store.completed.stream().map(c -> c[0]).toList());
        assertEquals(Math.min(store.valLosses.get(0), store.valLosses.get(1)), result.progress().bestValLoss(), 0.0);
    }
}
