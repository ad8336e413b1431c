package ai.laes.lstm;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LstmLayer} against DL4J's LSTM with the same parameters, in double: outputs, score, gradients, input gradients. */
class LstmEquivalenceTest {
    private static final int T = 20;
    private static final double TOL = 1e-10;

    @ParameterizedTest(name = "lastStep={0}")
    @ValueSource(booleans = {true, false})
    void outputsAndGradientsEqualDl4jsLstm(boolean lastStep) {
        MultiLayerNetwork theirs = LstmFixtures.net(LstmFixtures.dl4j(1.0), lastStep, DataType.DOUBLE, 7);
        LstmFixtures.randomBiases(theirs, 3);
        MultiLayerNetwork ours = LstmFixtures.net(LstmFixtures.ours(1.0), lastStep, DataType.DOUBLE, 8);
        ours.setParams(theirs.params().dup()); // same flat layout: W, RW, b of the LSTM, then the head
        INDArray x = LstmFixtures.input(DataType.DOUBLE, T, 11);
        INDArray y = LstmFixtures.labels(lastStep, DataType.DOUBLE, T, 12);

        assertClose(theirs.output(x), ours.output(x), "inference output");
        assertClose(theirs.feedForward(x, true).get(1), ours.feedForward(x, true).get(1), "training activations of the LSTM");
        Pair<Gradient, INDArray> g0 = theirs.calculateGradients(x, y, null, null);
        Pair<Gradient, INDArray> g1 = ours.calculateGradients(x, y, null, null);
        for (String key : new String[]{"0_W", "0_RW", "0_b", "1_W", "1_b"}) {
            assertClose(g0.getFirst().getGradientFor(key), g1.getFirst().getGradientFor(key), "gradient " + key);
        }
        assertClose(g0.getSecond(), g1.getSecond(), "dL/dx");
        theirs.setInput(x);
        theirs.setLabels(y);
        theirs.computeGradientAndScore();
        ours.setInput(x);
        ours.setLabels(y);
        ours.computeGradientAndScore();
        assertEquals(theirs.score(), ours.score(), TOL, "score");
    }

    @Test
    void initialisationDrawsTheSameParametersAsDl4jsLstm() {
        MultiLayerNetwork theirs = LstmFixtures.net(LstmFixtures.dl4j(1.0), true, DataType.DOUBLE, 21);
        MultiLayerNetwork ours = LstmFixtures.net(LstmFixtures.ours(1.0), true, DataType.DOUBLE, 21);
        for (String key : new String[]{"W", "RW", "b"}) {
            assertClose(theirs.getLayer(0).getParam(key), ours.getLayer(0).getParam(key), "initial " + key);
        }
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertTrue(expected.equalShapes(actual), what + ": shapes " + expected.shapeInfoToString() + " vs " + actual.shapeInfoToString());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        assertTrue(diff <= TOL * scale, what + ": max |difference| " + diff);
    }
}
