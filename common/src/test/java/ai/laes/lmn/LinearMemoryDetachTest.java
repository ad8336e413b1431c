package ai.laes.lmn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Memory detach against a finite-difference reference of the detached graph, in double precision. The reference
 * is a hand-written forward pass (LMN -> last step -> softmax cross-entropy, mean over the batch) in which a detached
 * step t reads the term W_mh m_{t-1} from a frozen copy of the memory trajectory, computed once at the unperturbed
 * parameters: so its central differences are the gradient of the graph in which that m_{t-1} is a constant, while
 * W_mh itself, the linear memory path W_mm m_{t-1} and every other parameter still vary.
 */
class LinearMemoryDetachTest {
    static final double EPS = 1e-6;

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    /** p = 0 (nothing detached: the ordinary gradient), 1 (every step) and 0.5 (the steps the seeded draw picks). */
    @ParameterizedTest(name = "p={0}")
    @ValueSource(doubles = {0.0, 0.5, 1.0})
    void backpropMatchesFiniteDifferencesOfTheDetachedGraph(double p) {
        MultiLayerNetwork net = LmnFixtures.net(true, Activation.TANH, 0.0, p, new NoOp(), 12345);
        INDArray in = LmnFixtures.input(7);
        INDArray labels = LmnFixtures.classLabels(8);
        boolean[] detached = detachedSteps(p, net.getIterationCount());
        if (p == 0.5) {
            assertTrue(Arrays.toString(detached).contains("true") && Arrays.toString(detached).contains("false"),
                    "the draw detaches some steps and keeps others: " + Arrays.toString(detached));
        }

        double[] analytic = analytic(net, in, labels);
        double[] reference = finiteDifferences(net, in, labels, detached);
        for (int i = 0; i < analytic.length; i++) {
            double tolerance = 1e-6 * Math.max(Math.abs(analytic[i]), Math.abs(reference[i])) + 1e-9;
            assertEquals(reference[i], analytic[i], tolerance, "parameter " + i + " at p = " + p);
        }
        if (p == 1.0) {
            // the reference really is another graph: the full gradient differs
            double[] full = finiteDifferences(net, in, labels, new boolean[LmnFixtures.T]);
            double differs = 0;
            for (int i = 0; i < full.length; i++) {
                differs = Math.max(differs, Math.abs(full[i] - reference[i]));
            }
            assertTrue(differs > 1e-3, "detaching every step changes the gradient, by " + differs);
        }
    }

    @Test
    void theDrawIsAFunctionOfSeedAndIterationAndOffAtZero() {
        assertNull(LinearMemoryLayer.detachedSteps(0, 1, 5, 100), "p = 0 draws nothing");
        boolean[] a = LinearMemoryLayer.detachedSteps(0.25, 1, 5, 2000);
        assertArrayEquals(a, LinearMemoryLayer.detachedSteps(0.25, 1, 5, 2000));
        assertTrue(!Arrays.equals(a, LinearMemoryLayer.detachedSteps(0.25, 1, 6, 2000)), "another iteration, another draw");
        assertTrue(!Arrays.equals(a, LinearMemoryLayer.detachedSteps(0.25, 2, 5, 2000)), "another seed, another draw");
        int count = 0;
        for (boolean d : a) {
            count += d ? 1 : 0;
        }
        assertEquals(500, count, 60, "about p T steps detached");
        for (boolean d : LinearMemoryLayer.detachedSteps(1.0, 3, 0, 50)) {
            assertTrue(d, "p = 1 detaches every step");
        }
    }

    private static boolean[] detachedSteps(double p, int iteration) {
        boolean[] d = LinearMemoryLayer.detachedSteps(p, LmnFixtures.DETACH_SEED, iteration, LmnFixtures.T);
        return d == null ? new boolean[LmnFixtures.T] : d;
    }

    /**
     * DL4J's gradient of the mean loss, every parameter, in the order of {@code net.params()}: the backward pass gives
     * the gradient of the summed loss (DL4J's updater divides by the minibatch size, as GradientCheckUtil does).
     */
    private static double[] analytic(MultiLayerNetwork net, INDArray in, INDArray labels) {
        net.setInput(in);
        net.setLabels(labels);
        net.computeGradientAndScore();
        return net.gradient().gradient().div(LmnFixtures.BATCH).toDoubleVector();
    }

    /** Central differences of the reference loss with the m_{t-1} of the detached steps frozen at the current parameters. */
    private static double[] finiteDifferences(MultiLayerNetwork net, INDArray in, INDArray labels, boolean[] detached) {
        double[][][] frozen = memoryTrajectories(net, in);
        INDArray params = net.params();
        double[] grad = new double[(int) params.length()];
        for (int i = 0; i < grad.length; i++) {
            double v = params.getDouble(i);
            params.putScalar(i, v + EPS);
            double plus = loss(net, in, labels, detached, frozen);
            params.putScalar(i, v - EPS);
            double minus = loss(net, in, labels, detached, frozen);
            params.putScalar(i, v);
            grad[i] = (plus - minus) / (2 * EPS);
        }
        return grad;
    }

    /** m_0..m_{T-1} of every example, [example][t][nM], at the network's current parameters. */
    private static double[][][] memoryTrajectories(MultiLayerNetwork net, INDArray in) {
        double[][][] m = new double[LmnFixtures.BATCH][][];
        for (int e = 0; e < LmnFixtures.BATCH; e++) {
            m[e] = run(net, in, e, new boolean[LmnFixtures.T], null).states;
        }
        return m;
    }

    /** The reference loss: mean over the batch of -log softmax(W_o m_T + b_o)[label]. */
    private static double loss(MultiLayerNetwork net, INDArray in, INDArray labels, boolean[] detached, double[][][] frozen) {
        double[][] wo = net.getLayer(1).getParam("W").toDoubleMatrix(); // [nM][classes]
        double[] bo = net.getLayer(1).getParam("b").toDoubleVector();
        double total = 0;
        for (int e = 0; e < LmnFixtures.BATCH; e++) {
            double[] m = run(net, in, e, detached, frozen[e]).last;
            double[] logits = bo.clone();
            for (int c = 0; c < logits.length; c++) {
                for (int j = 0; j < m.length; j++) {
                    logits[c] += m[j] * wo[j][c];
                }
            }
            double max = Arrays.stream(logits).max().orElseThrow();
            double sum = Arrays.stream(logits).map(l -> Math.exp(l - max)).sum();
            int label = labels.getRow(e).argMax().getInt(0);
            total -= logits[label] - max - Math.log(sum);
        }
        return total / LmnFixtures.BATCH;
    }

    private record Pass(double[][] states, double[] last) {
    }

    /**
     * The LMN recurrence of example {@code e} (column-vector form, docs/laes-math.md, "The Linear Memory Network"); a detached step t reads
     * W_mh m_{t-1} with m_{t-1} from {@code frozen} (null: never detached).
     */
    private static Pass run(MultiLayerNetwork net, INDArray in, int e, boolean[] detached, double[][] frozen) {
        double[][] wxh = LmnFixtures.columnForm(net, LinearMemoryParamInitializer.W_XH);
        double[][] wmh = LmnFixtures.columnForm(net, LinearMemoryParamInitializer.W_MH);
        double[][] whm = LmnFixtures.columnForm(net, LinearMemoryParamInitializer.W_HM);
        double[][] wmm = LmnFixtures.columnForm(net, LinearMemoryParamInitializer.W_MM);
        double[] bh = LmnFixtures.vector(net, LinearMemoryParamInitializer.B_H);
        double[] bm = LmnFixtures.vector(net, LinearMemoryParamInitializer.B_M);
        int nH = bh.length, nM = bm.length;
        double[][] states = new double[LmnFixtures.T][];
        double[] m = new double[nM];
        for (int t = 0; t < LmnFixtures.T; t++) {
            states[t] = m.clone();
            double[] into = detached[t] ? frozen[t] : m;
            double[] h = new double[nH];
            for (int i = 0; i < nH; i++) {
                double z = bh[i];
                for (int j = 0; j < LmnFixtures.N_IN; j++) {
                    z += wxh[i][j] * in.getDouble(e, j, t);
                }
                for (int j = 0; j < nM; j++) {
                    z += wmh[i][j] * into[j];
                }
                h[i] = Math.tanh(z);
            }
            double[] next = bm.clone();
            for (int i = 0; i < nM; i++) {
                for (int j = 0; j < nH; j++) {
                    next[i] += whm[i][j] * h[j];
                }
                for (int j = 0; j < nM; j++) {
                    next[i] += wmm[i][j] * m[j];
                }
            }
            m = next;
        }
        return new Pass(states, m);
    }
}
