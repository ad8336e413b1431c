package ai.laes.lmn;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backpropagation through time of the LMN layer against central finite differences, every parameter. */
class LinearMemoryGradientTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @ParameterizedTest(name = "lastStep={0} masked={1} alpha={2} act={3}")
    @CsvSource({
            "true,  false, 0.0, TANH",
            "true,  true,  0.0, TANH",
            "true,  false, 0.5, TANH",
            "true,  true,  0.5, TANH",
            "false, false, 0.0, TANH",
            "false, true,  0.0, TANH",
            "false, true,  0.5, TANH",
            "false, true,  0.0, IDENTITY",
            "true,  true,  0.0, SIGMOID"})
    void gradientsMatchFiniteDifferences(boolean lastStep, boolean masked, double alpha, Activation act) {
        MultiLayerNetwork net = LmnFixtures.net(lastStep, act, alpha);
        INDArray in = LmnFixtures.input(7);
        INDArray labels = lastStep ? LmnFixtures.classLabels(8) : LmnFixtures.sequenceLabels(8);
        INDArray mask = masked ? LmnFixtures.mask() : null;
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(in).labels(labels).inputMask(mask).labelMask(lastStep ? null : mask)
                .epsilon(1e-6).maxRelError(1e-6).minAbsoluteError(1e-10));
        assertTrue(ok, "gradient check failed (see log for the parameters)");
    }
}
