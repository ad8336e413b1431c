package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The reference's baselines: the LSTM starts with forget-gate bias 1, the random readout is Xavier-normal with a small bias. */
class BaselineInitTest {
    static final int HIDDEN = 128;

    @Test
    void theLstmsForgetGateBiasIsOneAndItsOtherBiasesZero() {
        MultiLayerNetwork lstm = new LstmClassifier(1, HIDDEN, 10, new Hyperparameters(1e-3, 0, 0)).create(3);
        double[] b = lstm.getLayer(0).getParam("b").toDoubleVector(); // DL4J gate blocks: input, forget, output, cell
        assertEquals(4 * HIDDEN, b.length);
        for (int i = 0; i < b.length; i++) {
            double expected = i >= HIDDEN && i < 2 * HIDDEN ? RecurrentClassifiers.LSTM_FORGET_BIAS : 0;
            assertEquals(expected, b[i], 0.0, "bias " + i);
        }
    }

    @Test
    void theRandomReadoutIsXavierNormalWithASmallBiasDrawnFromTheSeed() {
        MultiLayerNetwork net = new LstmClassifier(1, HIDDEN, 10, new Hyperparameters(1e-3, 0, 0)).create(3);
        ReadoutScheme.random(net, 11);
        INDArray w = net.getLayer(1).getParam("W");
        double[] weights = w.dup().data().asDouble();
        double[] bias = net.getLayer(1).getParam("b").toDoubleVector();
        double mean = Arrays.stream(weights).average().orElseThrow();
        double std = Math.sqrt(Arrays.stream(weights).map(v -> (v - mean) * (v - mean)).sum() / weights.length);
        double xavier = Math.sqrt(2.0 / (HIDDEN + 10));
        assertEquals(xavier, std, 0.1 * xavier, "Xavier-normal std");
        assertEquals(0, mean, 3 * xavier / Math.sqrt(weights.length));
        double bound = 1 / Math.sqrt(HIDDEN);
        assertTrue(Arrays.stream(bias).allMatch(v -> Math.abs(v) <= bound) && Arrays.stream(bias).anyMatch(v -> v != 0),
                Arrays.toString(bias));

        MultiLayerNetwork again = new LstmClassifier(1, HIDDEN, 10, new Hyperparameters(1e-3, 0, 0)).create(3);
        ReadoutScheme.random(again, 11);
        assertArrayEquals(weights, again.getLayer(1).getParam("W").dup().data().asDouble(), "same seed, same readout");
        ReadoutScheme.random(again, 12);
        assertFalse(Arrays.equals(weights, again.getLayer(1).getParam("W").dup().data().asDouble()), "another seed, another readout");
    }
}
