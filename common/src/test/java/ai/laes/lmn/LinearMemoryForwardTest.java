package ai.laes.lmn;

import ai.laes.io.InputException;
import ai.laes.lmn.init.LmnInitializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.List;
import java.util.Random;

import static ai.laes.lmn.LinearMemoryParamInitializer.B_H;
import static ai.laes.lmn.LinearMemoryParamInitializer.B_M;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_HM;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_MH;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_MM;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_XH;
import static ai.laes.lmn.LmnFixtures.BATCH;
import static ai.laes.lmn.LmnFixtures.N_IN;
import static ai.laes.lmn.LmnFixtures.N_M;
import static ai.laes.lmn.LmnFixtures.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layer's forward pass against the equations in plain Java, stored-state stepping, and the LAES mapping. */
class LinearMemoryForwardTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    /** Layer 0's output [b, nM, T] of a sequence-to-sequence net. */
    private static INDArray memory(MultiLayerNetwork net, INDArray in, INDArray mask) {
        List<INDArray> acts = net.feedForward(in, mask, mask);
        return acts.get(1);
    }

    @ParameterizedTest(name = "masked={0}")
    @ValueSource(booleans = {false, true})
    void forwardEqualsPlainJavaEquations(boolean masked) {
        MultiLayerNetwork net = LmnFixtures.net(false, Activation.TANH, 0.0);
        INDArray in = LmnFixtures.input(3);
        INDArray mask = masked ? LmnFixtures.mask() : null;
        INDArray m = memory(net, in, mask);
        assertEquals(List.of((long) BATCH, (long) N_M, (long) T), List.of(m.size(0), m.size(1), m.size(2)));
        double[][][] x = toArray(in);
        for (int i = 0; i < BATCH; i++) {
            double[][] expected = LmnReference.memory(x[i], masked ? mask.getRow(i).toDoubleVector() : null, true,
                    LmnFixtures.columnForm(net, W_XH), LmnFixtures.columnForm(net, W_MH), LmnFixtures.vector(net, B_H),
                    LmnFixtures.columnForm(net, W_HM), LmnFixtures.columnForm(net, W_MM), LmnFixtures.vector(net, B_M));
            assertClose(expected, slice(m, i), 1e-10);
        }
    }

    /**
     * Inference (no tape, step by step into the output) against the training forward pass (the tape),
     * masked and not, tanh and identity, with the test's non-zero biases: the same values, and the
     * inference leaves the layer's tape untouched.
     */
    @ParameterizedTest(name = "masked={0}")
    @ValueSource(booleans = {false, true})
    void inferenceEqualsTheTrainingForwardPass(boolean masked) {
        for (Activation act : new Activation[]{Activation.TANH, Activation.IDENTITY}) {
            MultiLayerNetwork net = LmnFixtures.net(false, act, 0.0);
            INDArray in = LmnFixtures.input(5);
            INDArray mask = masked ? LmnFixtures.mask() : null;
            net.setLayerMaskArrays(mask, mask);
            INDArray training = net.feedForward(in, true).get(1).dup();
            LinearMemoryLayerImpl layer = (LinearMemoryLayerImpl) net.getLayer(0);
            LmnTape tape = layer.tape();
            INDArray inference = memory(net, in, mask);
            assertTrue(training.equalsWithEps(inference, 1e-12), act + ": inference differs from the training pass");
            assertTrue(layer.tape() == tape, "inference must not lease a tape");
            if (masked) {
                assertEquals(0.0, inference.getDouble(2, 0, T - 1), 0.0, "a masked step outputs m_t = 0");
            }
        }
    }

    /**
     * Wmh = 0 takes inference's memory-free route, in chunks of 1024 / 3 = 341 steps at batch 3: over T 1400
     * (five chunks), with a mask that ends inside the last chunk, tanh and identity, for the fixture network
     * (nH 4, nM 5, Xavier Whm: the chunk GEMM) and a LAES-initialised one (nH = nM, Whm = I: h written straight
     * into the output), equal to the plain-Java equations and to the training forward pass (the tape's route);
     * the same networks in FLOAT (the Java tanh, with bm added in its loop when Whm = I) equal the equations to
     * float rounding.
     */
    @ParameterizedTest(name = "masked={0}")
    @ValueSource(booleans = {false, true})
    void inferenceWithZeroWmhEqualsTheEquationsAcrossChunks(boolean masked) {
        int longT = 1400;
        Random rnd = new Random(17);
        for (Activation act : new Activation[]{Activation.TANH, Activation.IDENTITY}) {
            MultiLayerNetwork fixture = LmnFixtures.net(false, act, 0.0);
            fixture.getLayer(0).getParam(W_MH).assign(0);
            fixture.getLayer(0).getParam(W_MM).muli(0.5); // a stable memory over 1400 steps
            MultiLayerNetwork laes = lmnWithNh(N_M, act);
            LmnInitializer.laes(gaussian(rnd, N_M, N_IN, 0.5), gaussian(rnd, N_M, N_M, 0.15), gaussian(rnd, 1, N_IN, 1.0)[0])
                    .initialise(laes, 0);
            for (MultiLayerNetwork net : new MultiLayerNetwork[]{fixture, laes}) {
                Nd4j.getRandom().setSeed(8);
                INDArray in = Nd4j.randn(DataType.DOUBLE, BATCH, N_IN, longT);
                INDArray mask = masked ? lengthMask(longT, longT, 1370, 2) : null;
                INDArray m = memory(net, in, mask);
                double[][][] x = toArray(in);
                INDArray mFloat = memory(net.convertDataType(DataType.FLOAT), in.castTo(DataType.FLOAT),
                        masked ? mask.castTo(DataType.FLOAT) : null).castTo(DataType.DOUBLE);
                double worst = 0;
                for (int i = 0; i < BATCH; i++) {
                    double[][] expected = LmnReference.memory(x[i], masked ? mask.getRow(i).toDoubleVector() : null,
                            act == Activation.TANH, LmnFixtures.columnForm(net, W_XH), LmnFixtures.columnForm(net, W_MH),
                            LmnFixtures.vector(net, B_H), LmnFixtures.columnForm(net, W_HM), LmnFixtures.columnForm(net, W_MM),
                            LmnFixtures.vector(net, B_M));
                    assertClose(expected, slice(m, i), 1e-10);
                    assertClose(expected, slice(mFloat, i), 2e-5); // FLOAT: Java tanh (with bm fused when Whm = I)
                    worst = Math.max(worst, Math.abs(expected[0][1364]));
                }
                assertTrue(worst > 1e-2, "non-trivial states at a chunk boundary, " + worst);
                if (masked) {
                    assertEquals(0.0, m.getDouble(1, 0, 1370), 0.0, "a masked step outputs m_t = 0");
                }
                net.setLayerMaskArrays(mask, mask);
                INDArray training = net.feedForward(in, true).get(1);
                assertTrue(training.equalsWithEps(m, 1e-10), act + ": the memory-free route differs from the training pass");
            }
        }
    }

    /** Feature mask [BATCH, T] of the given lengths (padding at the end). */
    private static INDArray lengthMask(int steps, int... lengths) {
        INDArray mask = Nd4j.zeros(DataType.DOUBLE, BATCH, steps);
        for (int i = 0; i < BATCH; i++) {
            mask.get(NDArrayIndex.point(i), NDArrayIndex.interval(0, lengths[i])).assign(1);
        }
        return mask;
    }

    @Test
    void rnnTimeStepStepByStepEqualsFullForward() {
        MultiLayerNetwork net = LmnFixtures.net(false, Activation.TANH, 0.0);
        INDArray in = LmnFixtures.input(4);
        INDArray full = net.output(in);
        net.rnnClearPreviousState();
        for (int t = 0; t < T; t++) {
            INDArray step = net.rnnTimeStep(in.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)));
            INDArray expected = full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1));
            assertTrue(expected.equalsWithEps(step, 1e-12), "step " + t);
        }
        // and in two chunks
        net.rnnClearPreviousState();
        net.rnnTimeStep(in.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2)));
        INDArray rest = net.rnnTimeStep(in.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2, T)));
        assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2, T)).equalsWithEps(rest, 1e-12));
    }

    @Test
    void laesInitialisationWithIdentityActivationIsTheLaesRecurrence() {
        int p = N_M, k = N_IN;
        MultiLayerNetwork net = lmnWithNh(p, Activation.IDENTITY);
        Random rnd = new Random(11);
        double[][] a = gaussian(rnd, p, k, 0.5);
        double[][] b = gaussian(rnd, p, p, 0.3);
        double[] mu = gaussian(rnd, 1, k, 1.0)[0];
        LmnInitializer.laes(a, b, mu).initialise(net, 0);
        INDArray in = LmnFixtures.input(5);
        INDArray m = memory(net, in, null);
        double[][][] x = toArray(in);
        for (int i = 0; i < BATCH; i++) {
            assertClose(LmnReference.laesStates(x[i], a, b, mu), slice(m, i), 1e-9);
        }
    }

    @Test
    void laesInitialiserRejectsMismatchedSizes() {
        MultiLayerNetwork net = LmnFixtures.net(false, Activation.TANH, 0.0); // nH = 4 != nM = 5
        double[][] a = new double[N_M][N_IN];
        double[][] b = new double[N_M][N_M];
        InputException e = assertThrows(InputException.class,
                () -> LmnInitializer.laes(a, b, new double[N_IN]).initialise(net, 0));
        assertTrue(e.getMessage().contains("nH=4") && e.getMessage().contains("p=5"), e.getMessage());
        assertThrows(InputException.class, () -> LmnInitializer.laes(a, b, new double[N_IN + 1]));
    }

    @Test
    void orthogonalInitialiserGivesOrthogonalMemoryAndZeroPenalty() {
        MultiLayerNetwork net = LmnFixtures.net(false, Activation.TANH, 0.7);
        LmnInitializer.orthogonal(3).initialise(net, 0);
        INDArray wmm = net.getLayer(0).getParam(W_MM);
        INDArray gram = wmm.mmul(wmm.transpose());
        assertTrue(gram.equalsWithEps(Nd4j.eye(N_M), 1e-12));
        assertEquals(0.0, net.calcRegularizationScore(true), 1e-20);
        assertTrue(net.getLayer(0).getParam(B_M).norm2Number().doubleValue() > 0, "the reference's b_m is N(0, 1), not zero");

        LmnInitializer.random(3).initialise(net, 0);
        double[][] w = LmnFixtures.columnForm(net, W_MM);
        double penalty = 0;
        for (int i = 0; i < N_M; i++) {
            for (int j = 0; j < N_M; j++) {
                double dot = 0;
                for (int q = 0; q < N_M; q++) {
                    dot += w[i][q] * w[j][q];
                }
                double e = dot - (i == j ? 1 : 0);
                penalty += e * e;
            }
        }
        assertEquals(0.7 * penalty, net.calcRegularizationScore(true), 1e-12);
        INDArray before = net.params().dup();
        LmnInitializer.random(3).initialise(net, 0);
        assertEquals(before, net.params(), "seeded initialiser must be reproducible");
    }

    private static MultiLayerNetwork lmnWithNh(int nH, Activation act) {
        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).updater(new NoOp()).list()
                .layer(new LinearMemoryLayer.Builder().nIn(N_IN).nH(nH).nM(N_M).activation(act).build())
                .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder().nIn(N_M).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static double[][][] toArray(INDArray ncw) {
        double[][][] x = new double[(int) ncw.size(0)][(int) ncw.size(1)][(int) ncw.size(2)];
        for (int i = 0; i < x.length; i++) {
            x[i] = slice(ncw, i);
        }
        return x;
    }

    static double[][] slice(INDArray ncw, int i) {
        return ncw.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()).toDoubleMatrix();
    }

    /** A rows x cols matrix of N(0, std^2) draws from {@code rnd} (also for the mask tests). */
    static double[][] gaussian(Random rnd, int rows, int cols, double std) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = std * rnd.nextGaussian();
            }
        }
        return m;
    }

    static void assertClose(double[][] expected, double[][] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length);
            for (int t = 0; t < expected[i].length; t++) {
                assertEquals(expected[i][t], actual[i][t], tol, "[" + i + "][" + t + "]");
            }
        }
    }
}
