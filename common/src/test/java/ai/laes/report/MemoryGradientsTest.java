package ai.laes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.train.RecurrentClassifiers;
import ai.laes.lmn.init.LmnInitializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** dL/dm_t by backpropagation through the memory equations, against DL4J's forward pass and finite differences. */
class MemoryGradientsTest {
    static final int BATCH = 3, STEPS = 6, P = 4;
    static final int[] LABELS = {2, 0, 1};

    static MultiLayerNetwork network(LmnInitializer init) {
        RecurrentClassifiers.Settings s = RecurrentClassifiers.Settings.reference();
        s.hidden = P;
        s.memory = P;
        s.classes = 3;
        s.dataType = DataType.DOUBLE;
        s.seed = 7;
        MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(s);
        init.initialise(net, 0);
        // non-zero biases, so that every term of the recursion is exercised
        net.getLayer(1).getParam("b").assign(Nd4j.create(new double[] {0.3, -0.2, 0.1}, new long[] {1, 3}));
        return net;
    }

    static INDArray features() {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(DataType.DOUBLE, BATCH, 1, STEPS);
    }

    @Test
    void forwardPassEqualsTheNetworksFinalMemory() {
        MultiLayerNetwork net = network(LmnInitializer.random(3));
        INDArray x = features();
        INDArray expected = net.feedForwardToLayer(0, x).get(1);
        INDArray actual = MemoryGradients.of(net).forward(x, 0, null).finalMemory();
        assertTrue(expected.equalsWithEps(actual, 1e-12), expected + " vs " + actual);
    }

    @Test
    void memoryGradientsMatchFiniteDifferencesAtEveryStep() {
        for (LmnInitializer init : new LmnInitializer[] {LmnInitializer.random(3), LmnInitializer.orthogonal(5)}) {
            MultiLayerNetwork net = network(init);
            MemoryGradients probe = MemoryGradients.of(net);
            INDArray x = features();
            INDArray[] g = probe.memoryGradients(probe.forward(x, 0, null), LABELS);
            double eps = 1e-6;
            double largest = 0;
            for (int t = 1; t <= STEPS; t++) {
                for (int i = 0; i < BATCH; i++) {
                    for (int j = 0; j < P; j++) {
                        INDArray bump = Nd4j.zeros(DataType.DOUBLE, BATCH, P);
                        bump.putScalar(i, j, eps);
                        double up = probe.loss(probe.forward(x, t, bump), LABELS);
                        double down = probe.loss(probe.forward(x, t, bump.neg()), LABELS);
                        double numeric = (up - down) / (2 * eps);
                        assertEquals(numeric, g[t - 1].getDouble(i, j), 1e-7, "dL/dm_" + t + "[" + i + "][" + j + "]");
                        largest = Math.max(largest, Math.abs(numeric));
                    }
                }
            }
            assertTrue(largest > 1e-3, "gradients are not trivially zero: " + largest);
        }
    }

    @Test
    void meanNormsAverageThePerSequenceNorms() {
        MultiLayerNetwork net = network(LmnInitializer.orthogonal(5));
        MemoryGradients probe = MemoryGradients.of(net);
        INDArray x = features();
        INDArray[] g = probe.memoryGradients(probe.forward(x, 0, null), LABELS);
        double[] norms = probe.meanNorms(x, LABELS);
        assertEquals(STEPS, norms.length);
        for (int t = 0; t < STEPS; t++) {
            double mean = 0;
            for (int i = 0; i < BATCH; i++) {
                mean += g[t].getRow(i).norm2Number().doubleValue() / BATCH;
            }
            assertEquals(mean, norms[t], 1e-12);
        }
    }
}
