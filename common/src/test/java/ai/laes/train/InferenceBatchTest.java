package ai.laes.train;

import java.util.ArrayList;
import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import ai.laes.data.SequenceTask;
import ai.laes.data.SequenceView;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.readout.RidgeReadout;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inference batch changes nothing beyond float rounding: on real MNIST test images (full 784
 * steps, float LMN), the final states, the least-squares readout fitted on them and the evaluation
 * at {@link LeastSquaresReadout#BATCH} equal those at batch 64.
 */
class InferenceBatchTest extends SparkTestBase {
    private static final int IMAGES = 600, SMALL = 64;

    @Test
    void readoutAndEvaluationAtTheLargeBatchEqualThoseAtBatch64() {
        assertTrue(LeastSquaresReadout.BATCH > 2 * SMALL, "the tested batch must be large");
        MnistImages split = MnistImages.read(new Path(TestData.mnistDir().toString()), "t10k", new Configuration());
        List<LabeledImage> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.add(split.image(i));
        }
        JavaRDD<LabeledImage> rdd = jsc.parallelize(images, 2); // 300 a partition: 256 + 44 against 4 x 64 + 44
        Batches batches = Batches.mnist(0);
        MultiLayerNetwork net = new LmnClassifier(1, 16, new Hyperparameters(1e-3, 0, 0), LmnInitializer::orthogonal).create(3);

        List<Tuple2<double[], Integer>> small, large;
        try (NetworkBroadcast shipped = NetworkBroadcast.of(jsc, net)) {
            small = LeastSquaresReadout.finalStates(rdd, batches, shipped, SMALL).collect();
            large = LeastSquaresReadout.finalStates(rdd, batches, shipped, LeastSquaresReadout.BATCH).collect();
        }
        assertEquals(IMAGES, large.size());
        double scale = 0;
        for (int i = 0; i < IMAGES; i++) {
            assertEquals(small.get(i)._2(), large.get(i)._2());
            for (double v : small.get(i)._1()) {
                scale = Math.max(scale, Math.abs(v));
            }
            // float rounding relative to the state's size, as 784 steps of this orthogonal LMN (states up to 140)
            // amplify it: on an AMD EPYC, whose OpenBLAS kernels round batch 64 and 256 differently, states
            // differ by up to 1.2e-4 of their largest (identical on an AVX-512 Xeon); a mixed-up row differs by O(1)
            double tolerance = 1e-3 * Math.max(1, maxAbs(small.get(i)._1()));
            assertArrayEquals(small.get(i)._1(), large.get(i)._1(), tolerance, "final state of image " + i);
        }
        assertTrue(scale > 0.05, "states must not be trivially zero: max |m_T| " + scale);

        RidgeReadout a = RidgeReadout.fit(jsc.parallelize(small), MnistImages.CLASSES, 16, RidgeReadout.DEFAULT_RIDGE);
        RidgeReadout b = RidgeReadout.fit(jsc.parallelize(large), MnistImages.CLASSES, 16, RidgeReadout.DEFAULT_RIDGE);
        for (int k = 0; k < MnistImages.CLASSES; k++) {
            double norm = 0;
            for (double v : a.weights()[k]) {
                norm = Math.max(norm, Math.abs(v));
            }
            assertArrayEquals(a.weights()[k], b.weights()[k], 1e-3 * norm, "readout row " + k);
        }
        assertArrayEquals(a.bias(), b.bias(), 1e-3 * Math.max(1, maxAbs(a.bias())));

        LeastSquaresReadout.apply(net, a, 1.0);
        Evaluator.Result at64 = Evaluator.evaluate(jsc, net, rdd, batches, SMALL);
        Evaluator.Result atLarge = Evaluator.evaluate(jsc, net, rdd, batches, LeastSquaresReadout.BATCH);
        assertEquals(IMAGES, atLarge.count());
        assertTrue(at64.accuracy() > 0.2, "the readout must have learnt something: accuracy " + at64.accuracy());
        assertEquals(at64.loss(), atLarge.loss(), 1e-5 * at64.loss());
        assertEquals(at64.accuracy(), atLarge.accuracy(), 0.0);
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
