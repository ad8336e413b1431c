package ai.laes.lstm;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backpropagation through time of {@link LstmLayer} against central finite differences, every parameter, double.
 * Sequence-to-sequence (a loss at every step) is checked at relative error 1e-4: at 1e-5 the check fails for
 * DL4J's own LSTM on the same network too (measured), the finite differences' error on its smallest entries.
 */
class LstmGradientTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @ParameterizedTest(name = "lastStep={0}")
    @ValueSource(booleans = {true, false})
    void gradientsMatchFiniteDifferences(boolean lastStep) {
        int T = 7;
        MultiLayerNetwork net = LstmFixtures.net(LstmFixtures.ours(1.0), lastStep, DataType.DOUBLE, 12345);
        LstmFixtures.randomBiases(net, 5);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(LstmFixtures.input(DataType.DOUBLE, T, 7)).labels(LstmFixtures.labels(lastStep, DataType.DOUBLE, T, 8))
                .epsilon(1e-6).maxRelError(lastStep ? 1e-6 : 1e-4).minAbsoluteError(1e-10));
        assertTrue(ok, "gradient check failed (see log for the parameters)");
    }
}
