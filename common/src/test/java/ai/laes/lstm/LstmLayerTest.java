package ai.laes.lstm;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LstmLayer}: float against double, inference against training, serialisation, initialisation, refusals. */
class LstmLayerTest {

    @Test
    void floatAgreesWithDouble() {
        int T = 60;
        MultiLayerNetwork dbl = LstmFixtures.net(LstmFixtures.ours(1.0), false, DataType.DOUBLE, 3);
        LstmFixtures.randomBiases(dbl, 4);
        MultiLayerNetwork flt = dbl.convertDataType(DataType.FLOAT);
        INDArray x = LstmFixtures.input(DataType.DOUBLE, T, 5);
        INDArray y = LstmFixtures.sequenceLabels(DataType.DOUBLE, T, 6);
        assertRelative(dbl.output(x), flt.output(x.castTo(DataType.FLOAT)), 1e-5, "output");
        Pair<Gradient, INDArray> gd = dbl.calculateGradients(x, y, null, null);
        Pair<Gradient, INDArray> gf = flt.calculateGradients(x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT), null, null);
        for (String key : new String[]{"0_W", "0_RW", "0_b"}) {
            assertRelative(gd.getFirst().getGradientFor(key), gf.getFirst().getGradientFor(key), 1e-4, "gradient " + key);
        }
        assertRelative(gd.getSecond(), gf.getSecond(), 1e-4, "dL/dx");
    }

    @Test
    void inferenceEqualsTheTrainingForwardPassAndKeepsNoTape() {
        for (DataType dt : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            MultiLayerNetwork net = LstmFixtures.net(LstmFixtures.ours(1.0), false, dt, 9);
            INDArray x = LstmFixtures.input(dt, 15, 10);
            INDArray inference = net.feedForward(x, false).get(1);
            LstmLayerImpl layer = (LstmLayerImpl) net.getLayer(0);
            assertFalse(layer.holdsTape(), "inference records no tape");
            assertEquals(inference, net.feedForward(x, true).get(1), dt + ": same operations, same order");
            assertTrue(layer.holdsTape());
        }
    }

    @Test
    void serialisationRoundTripGivesTheSameNetwork() throws IOException {
        MultiLayerNetwork net = LstmFixtures.net(new LstmLayer.Builder().nIn(LstmFixtures.N_IN).nOut(LstmFixtures.N)
                .forgetGateBiasInit(2.5).updater(new Adam(1e-2)).build(), true, DataType.FLOAT, 13);
        INDArray x = LstmFixtures.input(DataType.FLOAT, 12, 14);
        net.fit(x, LstmFixtures.classLabels(DataType.FLOAT, 15)); // some Adam state
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        assertEquals(net.getLayerWiseConfigurations(), back);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(net.params(), restored.params());
        assertEquals(net.output(x), restored.output(x));
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
    }

    @Test
    void forgetGateBiasStartsAtItsValueAndTheOtherBiasesAtZero() {
        for (double forget : new double[]{1.0, 3.0}) {
            MultiLayerNetwork net = LstmFixtures.net(LstmFixtures.ours(forget), true, DataType.FLOAT, 17);
            double[] b = net.getLayer(0).getParam("b").toDoubleVector(); // blocks [g | f | o | i]
            int n = LstmFixtures.N;
            assertEquals(4 * n, b.length);
            for (int i = 0; i < b.length; i++) {
                assertEquals(i >= n && i < 2 * n ? forget : 0, b[i], 0.0, "bias " + i);
            }
        }
        assertEquals(1.0, new LstmLayer.Builder().build().getForgetGateBiasInit(), 0.0, "default as DL4J's LSTM");
    }

    /**
     * A pass shorter than the thread's tape runs on it (no new tape) and gives bit for bit what it gives on a tape
     * of its own length, after a longer pass (with a mask) left its values in the rows past the shorter length. Each
     * case on a new thread, whose tape starts empty.
     */
    @Test
    void aShorterPassRunsOnTheLongerTapeAndGivesWhatAFreshTapeGives() throws Exception {
        MultiLayerNetwork net = LstmFixtures.net(LstmFixtures.ours(1.0), false, DataType.DOUBLE, 23);
        LstmFixtures.randomBiases(net, 24);
        INDArray x = LstmFixtures.input(DataType.DOUBLE, 6, 25), y = LstmFixtures.sequenceLabels(DataType.DOUBLE, 6, 26);
        INDArray longX = LstmFixtures.input(DataType.DOUBLE, 15, 27), longY = LstmFixtures.sequenceLabels(DataType.DOUBLE, 15, 28);
        INDArray longMask = org.nd4j.linalg.factory.Nd4j.ones(DataType.DOUBLE, LstmFixtures.BATCH, 15);
        longMask.putScalar(0, 3, 0.0);
        double[] fresh = onNewThread(() -> gradientAndInputGradient(net, x, y, null));
        int[] capacity = new int[1];
        double[] reused = onNewThread(() -> {
            gradientAndInputGradient(net, longX, longY, longMask);
            double[] g = gradientAndInputGradient(net, x, y, null);
            capacity[0] = LstmTape.ownedBy(net.getLayer(0)).capacity;
            return g;
        });
        assertEquals(15, capacity[0], "the shorter pass ran on the longer tape");
        assertArrayEquals(fresh, reused, "a pass on a longer tape gives what it gives on its own");
    }

    /** {@code task}'s result, computed on a new thread (exceptions rethrown). */
    private static <T> T onNewThread(java.util.concurrent.Callable<T> task) throws Exception {
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            return thread.submit(task).get();
        } finally {
            thread.shutdown();
        }
    }

    /** The parameter gradient then dL/dx of a sequence-to-sequence net, as one vector. */
    private static double[] gradientAndInputGradient(MultiLayerNetwork net, INDArray x, INDArray y, INDArray mask) {
        net.clearLayerMaskArrays(); // calculateGradients(.., null, null) would leave an earlier call's mask in place
        Pair<Gradient, INDArray> g = net.calculateGradients(x, y, mask, mask);
        double[] p = g.getFirst().gradient().toDoubleVector();
        double[] dx = g.getSecond().dup('c').reshape(g.getSecond().length()).toDoubleVector();
        double[] out = java.util.Arrays.copyOf(p, p.length + dx.length);
        System.arraycopy(dx, 0, out, p.length, dx.length);
        return out;
    }

    /** Stored state is refused (masks are supported since: LstmMaskTest). */
    @Test
    void storedStateIsRefused() {
        MultiLayerNetwork net = LstmFixtures.net(LstmFixtures.ours(1.0), false, DataType.FLOAT, 19);
        INDArray x = LstmFixtures.input(DataType.FLOAT, 5, 20);
        assertThrows(UnsupportedOperationException.class, () -> net.rnnTimeStep(x));
    }

    private static void assertRelative(INDArray expected, INDArray actual, double tol, String what) {
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(diff <= tol * scale, what + ": max |difference| " + diff + " at scale " + scale);
    }
}
