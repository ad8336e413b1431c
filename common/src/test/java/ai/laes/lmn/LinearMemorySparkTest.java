package ai.laes.lmn;

import ai.laes.spark.SparkTestBase;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** A network with the custom layer restored, trained one step and serialised again on a Spark executor. */
class LinearMemorySparkTest extends SparkTestBase {

    @Test
    void trainsOneStepOnAnExecutorAndRestoresOnTheDriver() throws Exception {
        MultiLayerNetwork net = LmnFixtures.net(true, Activation.TANH, 0.1, new Adam(1e-2), 21);
        byte[] model = LinearMemorySerializationTest.bytes(net);
        DataSet data = new DataSet(LmnFixtures.input(22), LmnFixtures.classLabels(23));

        // rows of plain doubles: the features of one example, then its label
        List<double[][]> rows = new ArrayList<>();
        for (int i = 0; i < data.numExamples(); i++) {
            INDArray features = data.getFeatures().get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
            rows.add(new double[][]{features.dup('c').data().asDouble(), data.getLabels().getRow(i).toDoubleVector()});
        }
        long[] featureShape = data.getFeatures().shape();
        JavaRDD<double[][]> rdd = jsc.parallelize(rows, 1);
        List<byte[]> trained = rdd.mapPartitions(it -> {
            List<double[][]> part = new ArrayList<>();
            it.forEachRemaining(part::add);
            int n = part.size(), perRow = part.get(0)[0].length;
            double[] flat = new double[n * perRow];
            double[][] labels = new double[n][];
            for (int i = 0; i < n; i++) {
                System.arraycopy(part.get(i)[0], 0, flat, i * perRow, perRow);
                labels[i] = part.get(i)[1];
            }
            INDArray x = Nd4j.create(flat, new long[]{n, featureShape[1], featureShape[2]}, 'c');
            INDArray y = Nd4j.create(labels);
            MultiLayerNetwork onExecutor = LinearMemorySerializationTest.restore(model);
            onExecutor.fit(new DataSet(x, y));
            return Collections.singletonList(LinearMemorySerializationTest.bytes(onExecutor)).iterator();
        }).collect();

        assertEquals(1, trained.size());
        MultiLayerNetwork back = LinearMemorySerializationTest.restore(trained.get(0));
        MultiLayerNetwork local = LinearMemorySerializationTest.restore(model);
        local.fit(data);
        assertNotEquals(net.params(), back.params(), "the executor's step changed the parameters");
        assertEquals(local.params(), back.params(), "executor step equals the same step on the driver");
        INDArray in = LmnFixtures.input(24);
        assertEquals(local.output(in), back.output(in));
    }
}
