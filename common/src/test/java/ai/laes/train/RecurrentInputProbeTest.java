package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.lstm.LstmLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** ||dl/dh_t|| per step from the probe against hand-written BPTT (SimpleRnn) and finite differences (LSTM). */
class RecurrentInputProbeTest {
    static final int K = 2;
    static final int N = 3;
    static final int T = 7;
    static final int C = 4;
    static final int B = 3;

    static MultiLayerNetwork network(org.deeplearning4j.nn.conf.layers.Layer cell, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER).updater(new Sgd(0.1)).list()
                .layer(new LastTimeStep(cell))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(N).nOut(C).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.recurrent(K)).build());
        net.init();
        // Larger weights than Xavier so that the per-step norms differ visibly.
        net.setParams(net.params().mul(2.5));
        return net;
    }

    static INDArray[] data(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.DOUBLE, B, K, T);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, B, C);
        for (int i = 0; i < B; i++) {
            y.putScalar(i, (i * 3 + 1) % C, 1.0);
        }
        return new INDArray[] {x, y};
    }

    @Test
    void simpleRnnMatchesHandWrittenBackpropagationThroughTime() {
        MultiLayerNetwork net = network(new SimpleRnn.Builder().nIn(K).nOut(N).activation(Activation.TANH).build(), 5);
        INDArray[] d = data(11);
        double[] probe = new RecurrentInputProbe().meanStateGradientNorms(net, d[0], d[1]);

        double[][] w = net.getLayer(0).getParam("W").toDoubleMatrix();
        double[][] rw = net.getLayer(0).getParam("RW").toDoubleMatrix();
        double[] bias = net.getLayer(0).getParam("b").toDoubleVector();
        double[][] wo = net.getLayer(1).getParam("W").toDoubleMatrix();
        double[] bo = net.getLayer(1).getParam("b").toDoubleVector();
        double[] expected = new double[T];
        for (int i = 0; i < B; i++) {
            // Forward: h_t = tanh(x_t W + h_{t-1} RW + b).
            double[][] h = new double[T][N];
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < N; j++) {
                    double z = bias[j];
                    for (int a = 0; a < K; a++) {
                        z += d[0].getDouble(i, a, t) * w[a][j];
                    }
                    for (int a = 0; t > 0 && a < N; a++) {
                        z += h[t - 1][a] * rw[a][j];
                    }
                    h[t][j] = Math.tanh(z);
                }
            }
            // Softmax output of h_T; dl/dlogits = p - y; dl/dh_T = (p - y) Wo^T.
            double[] logits = new double[C];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < C; c++) {
                logits[c] = bo[c];
                for (int a = 0; a < N; a++) {
                    logits[c] += h[T - 1][a] * wo[a][c];
                }
                max = Math.max(max, logits[c]);
            }
            double sum = 0;
            for (int c = 0; c < C; c++) {
                logits[c] = Math.exp(logits[c] - max);
                sum += logits[c];
            }
            double[] g = new double[N];
            for (int a = 0; a < N; a++) {
                for (int c = 0; c < C; c++) {
                    g[a] += (logits[c] / sum - d[1].getDouble(i, c)) * wo[a][c];
                }
            }
            // Backwards: dl/dh_{t-1} = (dl/dh_t * (1 - h_t^2)) RW^T.
            for (int t = T - 1; t >= 0; t--) {
                expected[t] += norm(g) / B;
                double[] prev = new double[N];
                for (int a = 0; a < N; a++) {
                    for (int j = 0; j < N; j++) {
                        prev[a] += g[j] * (1 - h[t][j] * h[t][j]) * rw[a][j];
                    }
                }
                g = prev;
            }
        }
        for (int t = 0; t < T; t++) {
            assertEquals(expected[t], probe[t], 1e-10 * Math.max(1, expected[t]), "step " + (t + 1));
        }
        assertTrue(Math.abs(probe[0] - probe[T - 1]) > 1e-3, "norms change along the sequence");
    }

    @Test
    void lstmMatchesFiniteDifferencesOfTheLossInTheState() {
        MultiLayerNetwork net = network(new LSTM.Builder().nIn(K).nOut(N).activation(Activation.TANH).build(), 6);
        INDArray[] d = data(12);
        double[] probe = new RecurrentInputProbe().meanStateGradientNorms(net, d[0], d[1]);
        assertEquals(T, probe.length);
        assertEquals(K, net.layerInputSize(0), "the probed network is left as it was");

        // dl/dh_t for t < T is the derivative of the loss in a perturbation of h_t as step t+1 sees it:
        // the probe network's extra inputs at step t+1. Finite differences on example 0 alone.
        MultiLayerNetwork stacked = RecurrentInputProbe.probeNetwork(net, K, N);
        INDArray x0 = d[0].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup();
        INDArray y0 = d[1].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup();
        double[] single = new RecurrentInputProbe().meanStateGradientNorms(net, x0, y0);
        INDArray base = Nd4j.concat(1, x0, Nd4j.zeros(DataType.DOUBLE, 1, N, T));
        double h = 1e-6;
        for (int t = 0; t < T - 1; t++) {
            double sq = 0;
            for (int j = 0; j < N; j++) {
                INDArray plus = base.dup();
                plus.putScalar(new long[] {0, K + j, t + 1}, h);
                INDArray minus = base.dup();
                minus.putScalar(new long[] {0, K + j, t + 1}, -h);
                double grad = (stacked.score(new DataSet(plus, y0)) - stacked.score(new DataSet(minus, y0))) / (2 * h);
                sq += grad * grad;
            }
            assertEquals(Math.sqrt(sq), single[t], 1e-6, "step " + (t + 1));
        }
        // The last step: dl/dh_T = (p - y) Wo^T.
        INDArray p = net.output(x0);
        INDArray g = p.sub(y0).mmul(net.getLayer(1).getParam("W").transpose());
        assertEquals(g.norm2Number().doubleValue(), single[T - 1], 1e-10);
    }

    @Test
    void ourLstmLayerGivesTheNormsOfDl4jsLstmWithTheSameParameters() {
        MultiLayerNetwork dl4j = network(new LSTM.Builder().nIn(K).nOut(N).activation(Activation.TANH).build(), 6);
        MultiLayerNetwork ours = network(new LstmLayer.Builder().nIn(K).nOut(N).build(), 7);
        ours.setParams(dl4j.params().dup());
        INDArray[] d = data(12);
        assertArrayEquals(new RecurrentInputProbe().meanStateGradientNorms(dl4j, d[0], d[1]),
                new RecurrentInputProbe().meanStateGradientNorms(ours, d[0], d[1]), 1e-10);
    }

    @Test
    void otherFirstLayersAreRefusedWithAClearMessage() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(K).nOut(N).build())
                .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder().nIn(N).nOut(C).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RecurrentInputProbe().meanStateGradientNorms(net, Nd4j.zeros(1, K, T), Nd4j.zeros(1, C, T)));
        assertTrue(e.getMessage().contains("LastTimeStep"), e.getMessage());
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
