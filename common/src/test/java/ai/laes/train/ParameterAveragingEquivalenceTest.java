package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ai.laes.data.LabeledImage;
import ai.laes.data.SequenceExample;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.spark.SparkTestBase;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Spark parameter averaging against single-machine training, after DL4J's own tests: one worker
 * averaging every step is the same computation; with plain SGD, two equal shards averaged every
 * step make one step on their union.
 */
class ParameterAveragingEquivalenceTest extends SparkTestBase {
    static final int STEPS = 12;

    /** The LMN's workers also hand their tapes from round to round ({@link TapeReturningHook}). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lstm", "lmn"})
    void oneWorkerAveragingEveryStepEqualsSingleMachineExactlyWithAdam(String model) {
        List<LabeledImage> images = TrainFixtures.images(48, 1);
        JavaRDD<LabeledImage> rdd = jsc.parallelize(images, 3);
        Batches batches = TrainFixtures.batches(STEPS);
        Hyperparameters hyper = new Hyperparameters(1e-2, 1e-3, 1.0);
        ModelFactory factory = model.equals("lmn") ? new LmnClassifier(1, 6, hyper, LmnInitializer::orthogonal)
                : new LstmClassifier(1, 6, 10, hyper);
        MultiLayerNetwork single = factory.create(7);
        ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(jsc, factory.create(7), 1, 16, 1, 7);
        assertEquals(single.params(), trainer.network().params());

        for (int epoch = 1; epoch <= 2; epoch++) {
            EpochPlan plan = EpochPlan.of(rdd, images.size(), 7, epoch, 16, 1, 1);
            assertEquals(3, plan.rounds());
            for (int r = 0; r < plan.rounds(); r++) {
                for (List<SequenceExample> batch : plan.round(r).collect()) {
                    single.fit(batches.dataSet(batch));
                }
            }
            trainer.fitEpoch(plan, batches, "test epoch " + epoch);
            plan.release();
        }
        MultiLayerNetwork spark = trainer.network();
        assertEquals(6, spark.getIterationCount());
        assertEquals(single.getIterationCount(), spark.getIterationCount());
        assertArrayEquals(single.params().toFloatVector(), spark.params().toFloatVector(), "parameters, bit for bit");
        INDArray a = single.getUpdater().getStateViewArray();
        INDArray b = spark.getUpdater().getStateViewArray();
        assertTrue(a.length() > 0);
        assertArrayEquals(a.toFloatVector(), b.toFloatVector(), "Adam moments, bit for bit");
        assertTrue(a.sumNumber().doubleValue() != 0, "a trained updater state");
    }

    /**
     * Also the LMN with the orthogonality penalty and memory detach: both workers of a round draw the same detached
     * steps (a function of seed and iteration), so their average is one step on the union batch with those steps.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lstm", "lmn with penalty and detach"})
    void sgdOnTwoEqualShardsAveragedEveryStepEqualsOneStepOnTheirUnion(String model) {
        List<LabeledImage> images = TrainFixtures.images(128, 2);
        JavaRDD<LabeledImage> rdd = jsc.parallelize(images, 2);
        Batches batches = TrainFixtures.batches(STEPS);
        ModelFactory factory = model.equals("lstm") ? TrainFixtures.sgdLstm(5, 0.5) : TrainFixtures.sgdLmn(5, 0.05, 0.1, 0.5);
        MultiLayerNetwork single = factory.create(3);
        ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(jsc, factory.create(3), 2, 16, 1, 3);

        EpochPlan plan = EpochPlan.of(rdd, images.size(), 3, 1, 16, 2, 1);
        assertEquals(4, plan.rounds());
        List<DataSet> unions = new ArrayList<>();
        for (int r = 0; r < plan.rounds(); r++) {
            List<DataSet> shards = new ArrayList<>();
            for (List<SequenceExample> batch : plan.round(r).collect()) {
                assertEquals(16, batch.size(), "equal shards");
                shards.add(batches.dataSet(batch));
            }
            assertEquals(2, shards.size());
            unions.add(DataSet.merge(shards));
        }
        float[] before = trainer.network().params().toFloatVector();
        trainer.fitEpoch(plan, batches, "test");
        plan.release();
        unions.forEach(single::fit);

        float[] expected = single.params().toFloatVector();
        float[] actual = trainer.network().params().toFloatVector();
        double moved = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-5 * Math.max(1, Math.abs(expected[i])), "parameter " + i);
            moved = Math.max(moved, Math.abs(actual[i] - before[i]));
        }
        assertTrue(moved > 1e-3, "training moved the parameters by " + moved);
    }

    /**
     * Also: no round's DataSets are serialised into the block store (DL4J's default persist), and a
     * hook added to the trainer runs around every minibatch, beside the tape hook.
     */
    @Test
    void eachRoundIsOneSparkJobWithTheCountTheRoundHolds() throws Exception {
        List<LabeledImage> images = TrainFixtures.images(100, 4); // 7 minibatches of 16: rounds of 4 and 3
        JavaRDD<LabeledImage> rdd = jsc.parallelize(images, 3);
        Batches batches = TrainFixtures.batches(STEPS);
        ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(jsc, TrainFixtures.sgdLstm(4, 0.1).create(5), 2, 16, 2, 5);
        EpochPlan plan = EpochPlan.of(rdd, images.size(), 5, 1, 16, 2, 2);
        assertEquals(2, plan.rounds());
        for (int r = 0; r < plan.rounds(); r++) {
            assertEquals(plan.round(r).count(), plan.minibatches(r), "round " + r);
        }
        assertEquals(3, plan.minibatches(1));
        LongAccumulator fitted = jsc.sc().longAccumulator("minibatches fitted");
        trainer.addTrainingHook(new CountingHook(fitted));
        AtomicInteger jobs = new AtomicInteger();
        AtomicInteger serializedBlocks = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }

            @Override
            public void onBlockUpdated(SparkListenerBlockUpdated update) {
                StorageLevel level = update.blockUpdatedInfo().storageLevel();
                if (update.blockUpdatedInfo().blockId().isRDD() && level.isValid() && !level.deserialized()) {
                    serializedBlocks.incrementAndGet();
                }
            }
        };
        jsc.sc().addSparkListener(counter);
        try {
            ParameterAveragingTrainer.EpochResult result = trainer.fitEpoch(plan, batches, "test");
            jsc.sc().listenerBus().waitUntilEmpty();
            assertEquals(100, result.examples());
        } finally {
            jsc.sc().removeSparkListener(counter);
            plan.release();
        }
        assertEquals(plan.rounds(), jobs.get(), "Spark jobs: one training job per round, no count job");
        assertEquals(0, serializedBlocks.get(), "RDD blocks stored serialised while training");
        assertEquals(4, trainer.network().getIterationCount(), "two rounds of two steps per worker");
        assertEquals(7, fitted.value(), "minibatches the added hook saw fitted");
    }

    /** Counts the minibatches fitted on the workers. */
    private static final class CountingHook extends MinibatchHook {
        private final LongAccumulator fitted;

        CountingHook(LongAccumulator fitted) {
            this.fitted = fitted;
        }

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            fitted.add(1);
        }
    }
}
