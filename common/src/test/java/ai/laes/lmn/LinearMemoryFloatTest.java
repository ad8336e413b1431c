package ai.laes.lmn;

import ai.laes.recurrent.Elements;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static ai.laes.lmn.LinearMemoryParamInitializer.B_H;
import static ai.laes.lmn.LinearMemoryParamInitializer.B_M;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_HM;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_MH;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_MM;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_XH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FLOAT path (Java rational tanh, float BLAS) against the double-precision equations. */
class LinearMemoryFloatTest {

    @Test
    void rationalTanhIsFloatAccurate() {
        double worst = 0;
        for (int i = -200_000; i <= 200_000; i++) {
            float x = i * 1e-4f; // -20 .. 20
            worst = Math.max(worst, Math.abs(Elements.tanhRational(x) - Math.tanh(x)));
        }
        assertTrue(worst < 4e-7, "max |error| " + worst); // a few float ulps (ulp(1) = 6e-8)
        assertEquals(0f, Elements.tanhRational(0f));
        assertEquals(1f, Elements.tanhRational(1e6f));
    }

    /** Inference, general and (Wmh = 0, the LAES start's structure) memory-free route. */
    @ParameterizedTest(name = "zeroWmh={0}")
    @ValueSource(booleans = {false, true})
    void floatNetworkMatchesTheDoubleEquations(boolean zeroWmh) {
        MultiLayerNetwork net = LmnFixtures.net(false, Activation.TANH, 0.0);
        if (zeroWmh) {
            net.getLayer(0).getParam(W_MH).assign(0);
        }
        MultiLayerNetwork f = net.convertDataType(DataType.FLOAT);
        INDArray in = LmnFixtures.input(31);
        INDArray mask = LmnFixtures.mask();
        INDArray m = f.feedForward(in.castTo(DataType.FLOAT), mask.castTo(DataType.FLOAT), mask.castTo(DataType.FLOAT)).get(1);
        assertEquals(DataType.FLOAT, m.dataType());
        double[][][] x = LinearMemoryForwardTest.toArray(in);
        for (int i = 0; i < LmnFixtures.BATCH; i++) {
            double[][] expected = LmnReference.memory(x[i], mask.getRow(i).toDoubleVector(), true,
                    LmnFixtures.columnForm(net, W_XH), LmnFixtures.columnForm(net, W_MH), LmnFixtures.vector(net, B_H),
                    LmnFixtures.columnForm(net, W_HM), LmnFixtures.columnForm(net, W_MM), LmnFixtures.vector(net, B_M));
            LinearMemoryForwardTest.assertClose(expected, LinearMemoryForwardTest.slice(m.castTo(DataType.DOUBLE), i), 2e-6);
        }
    }

    /** The FLOAT backward pass (Java element loops, bulk conversions) against the gradient-checked DOUBLE one. */
    @ParameterizedTest(name = "lastStep={0} masked={1}")
    @CsvSource({"true, false", "true, true", "false, true"})
    void floatGradientsMatchTheDoubleGradients(boolean lastStep, boolean masked) {
        MultiLayerNetwork net = LmnFixtures.net(lastStep, Activation.TANH, 0.0);
        MultiLayerNetwork f = net.convertDataType(DataType.FLOAT);
        INDArray in = LmnFixtures.input(41);
        INDArray labels = lastStep ? LmnFixtures.classLabels(42) : LmnFixtures.sequenceLabels(42);
        INDArray mask = masked ? LmnFixtures.mask() : null;
        INDArray labelMask = lastStep ? null : mask;
        net.setInput(in);
        net.setLabels(labels);
        net.setLayerMaskArrays(mask, labelMask);
        net.computeGradientAndScore();
        // a pass on other data first, so the reused tape holds stale values wherever a step is not rewritten
        f.setInput(LmnFixtures.input(43).castTo(DataType.FLOAT));
        f.setLabels(labels.castTo(DataType.FLOAT));
        f.computeGradientAndScore();
        f.setInput(in.castTo(DataType.FLOAT));
        f.setLabels(labels.castTo(DataType.FLOAT));
        f.setLayerMaskArrays(mask == null ? null : mask.castTo(DataType.FLOAT), labelMask == null ? null : labelMask.castTo(DataType.FLOAT));
        f.computeGradientAndScore();
        double[] expected = net.gradient().gradient().toDoubleVector();
        double[] actual = f.gradient().gradient().castTo(DataType.DOUBLE).toDoubleVector();
        assertEquals(expected.length, actual.length);
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        assertTrue(scale > 1e-3, "a non-trivial gradient, max |g| = " + scale);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * scale, "gradient component " + i);
        }
        // dL/dm_t at every step, including those whose incoming epsilon was zero (all but the last with LastTimeStep)
        double[] normsDouble = ((LinearMemoryLayerImpl) LinearMemoryLayerImpl.unwrapped(net.getLayer(0))).memoryGradientNorms();
        double[] normsFloat = ((LinearMemoryLayerImpl) LinearMemoryLayerImpl.unwrapped(f.getLayer(0))).memoryGradientNorms();
        double top = java.util.Arrays.stream(normsDouble).max().orElse(0);
        assertTrue(normsDouble[0] > 1e-6 * top, "the gradient reaches the first step");
        for (int t = 0; t < normsDouble.length; t++) {
            assertEquals(normsDouble[t], normsFloat[t], 1e-5 * top, "||dL/dm_t|| at step " + t);
        }
    }
}
