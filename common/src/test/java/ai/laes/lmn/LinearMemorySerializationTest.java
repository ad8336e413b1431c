package ai.laes.lmn;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The custom layer through DL4J's JSON configuration and ModelSerializer (with Adam state). */
class LinearMemorySerializationTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Test
    void jsonRoundTripKeepsTheLayerAndItsOutputs() {
        MultiLayerNetwork net = LmnFixtures.net(true, Activation.TANH, 0.25, 0.5, new Adam(1e-2), 5);
        String json = net.getLayerWiseConfigurations().toJson();
        assertTrue(json.contains(LinearMemoryLayer.class.getName()), "JSON names the layer class");
        assertTrue(json.contains("\"detachProbability\" : 0.5") && json.contains("\"detachSeed\" : " + LmnFixtures.DETACH_SEED), json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(net.getLayerWiseConfigurations(), back);
        assertEquals(json, back.toJson());

        MultiLayerNetwork restored = new MultiLayerNetwork(back);
        restored.init(net.params().dup(), false);
        INDArray in = LmnFixtures.input(9);
        assertEquals(net.output(in), restored.output(in));
        assertEquals(net.calcRegularizationScore(true), restored.calcRegularizationScore(true), 0.0);
    }

    @Test
    void modelSerializerRoundTripWithUpdaterContinuesIdentically() throws IOException {
        // with memory detach: the draws of the steps after the restore are the same (a function of seed and iteration)
        MultiLayerNetwork net = LmnFixtures.net(true, Activation.TANH, 0.1, 0.5, new Adam(1e-2), 6);
        DataSet data = new DataSet(LmnFixtures.input(10), LmnFixtures.classLabels(11), LmnFixtures.mask(), null);
        net.fit(data); // non-trivial Adam state

        MultiLayerNetwork restored = restore(bytes(net));
        INDArray in = LmnFixtures.input(12);
        assertEquals(net.output(in), restored.output(in));
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());

        INDArray before = net.params().dup();
        net.fit(data);
        restored.fit(data);
        assertNotEquals(before, net.params(), "the step must change the parameters");
        assertEquals(net.params(), restored.params());
    }

    static byte[] bytes(MultiLayerNetwork net) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, true);
        return out.toByteArray();
    }

    static MultiLayerNetwork restore(byte[] bytes) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), true);
    }
}
