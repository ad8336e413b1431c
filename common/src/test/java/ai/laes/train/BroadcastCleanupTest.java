package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.data.SequenceExample;
import ai.laes.spark.SparkTestBase;
import org.apache.spark.ContextCleaner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Regression for the broadcast-close trap: Spark closes AutoCloseable broadcast values when it
 * cleans a broadcast up, so any path that broadcast the live parameter array would leave the
 * driver's network closed. Runs training, distributed evaluation and the probe, then cleans up
 * every broadcast made so far, and uses the driver's network.
 */
class BroadcastCleanupTest extends SparkTestBase {
    static final int STEPS = 10;

    /** Removes every broadcast created so far from the driver and the executors, as Spark's cleaner would. */
    static void cleanUpAllBroadcasts() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Broadcast<Integer> marker = jsc.broadcast(0);
        ContextCleaner cleaner = jsc.sc().cleaner().get();
        for (long id = 0; id <= marker.id(); id++) {
            cleaner.doCleanupBroadcast(id, true);
        }
    }

    @Test
    void theDriverNetworkSurvivesTrainingEvaluationProbeAndBroadcastCleanup() {
        List<LabeledImage> images = TrainFixtures.images(64, 4);
        JavaRDD<LabeledImage> rdd = jsc.parallelize(images, 2);
        Batches batches = TrainFixtures.batches(STEPS);
        ModelFactory factory = new LstmClassifier(1, 4, 10, new Hyperparameters(1e-2, 1e-5, 10));
        ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(jsc, factory.create(1), 2, 16, 1, 1);
        EpochPlan plan = EpochPlan.of(rdd, images.size(), 1, 1, 16, 2, 1);
        trainer.fitEpoch(plan, batches, "cleanup test");
        MultiLayerNetwork net = trainer.network();
        Evaluator.Result distributed = Evaluator.evaluate(jsc, net, rdd, batches, 20);
        List<SequenceExample> first = plan.firstMinibatch();
        double[] norms = factory.probe().meanStateGradientNorms(net, batches.features(first), batches.labels(first));
        plan.release();
        float[] params = net.params().toFloatVector();
        float[] updater = net.getUpdater().getStateViewArray().toFloatVector();
        INDArray probeInput = batches.features(images.subList(0, 8));
        float[] output = net.output(probeInput).ravel().toFloatVector();

        cleanUpAllBroadcasts();

        assertFalse(net.params().wasClosed(), "parameters closed by a broadcast cleanup");
        assertFalse(net.getUpdater().getStateViewArray().wasClosed(), "updater state closed by a broadcast cleanup");
        assertArrayEquals(params, net.params().toFloatVector());
        assertArrayEquals(updater, net.getUpdater().getStateViewArray().toFloatVector());
        assertArrayEquals(output, net.output(probeInput).ravel().toFloatVector());
        net.fit(new DataSet(probeInput, batches.labels(images.subList(0, 8))));
        assertEquals(64, distributed.count());
        assertEquals(STEPS, norms.length);
        // The distributed evaluation agrees with the same evaluation on the driver.
        Evaluator.Result local = Evaluator.evaluateLocally(restored(params), images, batches, 20);
        assertEquals(local.loss(), distributed.loss(), 1e-9);
        assertEquals(local.accuracy(), distributed.accuracy(), 0.0);
    }

    /** The detector works: a live parameter array in a broadcast is closed by the same cleanup. */
    @Test
    void broadcastingTheLiveParameterArrayIsCaughtByTheCleanup() {
        MultiLayerNetwork net = new LstmClassifier(1, 3, 10, new Hyperparameters(1e-3, 0, 0)).create(2);
        jsc.broadcast(net.params());
        cleanUpAllBroadcasts();
        assertTrue(net.params().wasClosed(), "Spark closed the live parameter array");
    }

    private static MultiLayerNetwork restored(float[] params) {
        MultiLayerNetwork net = new LstmClassifier(1, 4, 10, new Hyperparameters(1e-2, 1e-5, 10)).create(1);
        net.setParams(org.nd4j.linalg.factory.Nd4j.createFromArray(params).reshape(1, params.length));
        return net;
    }
}
