package ai.laes.lstm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reference's LSTM parameters land in our layer's layout: our LstmLayer, given a reference LSTMCell's weight_ih,
 * weight_hh, bias_ih and bias_hh through {@link LstmReferenceInit.Drawn#writeTo}, computes the reference cell's h_t
 * (gate chunks i, f, g, o; evaluated here in plain Java from the reference's equations) to float64 rounding.
 */
class LstmReferenceInitTest {
    static final int T = 7;

    @Test
    void ourLayerComputesTheReferenceCellFromItsParameters() {
        Random rnd = new Random(5);
        int n = LstmFixtures.N, nIn = LstmFixtures.N_IN;
        // large, distinct values in every chunk, so a chunk sent to the wrong block shows
        LstmReferenceInit.Drawn ref = new LstmReferenceInit.Drawn(gaussian(rnd, 4 * n, nIn), gaussian(rnd, 4 * n, n),
                gaussian(rnd, 1, 4 * n)[0], gaussian(rnd, 1, 4 * n)[0]);
        MultiLayerNetwork net = LstmFixtures.net(LstmFixtures.ours(1.0), false, DataType.DOUBLE, 3);
        ref.writeTo(net.getLayer(0));
        INDArray x = LstmFixtures.input(DataType.DOUBLE, T, 9);
        INDArray ours = net.feedForward(x, false).get(1); // [batch, n, T]
        for (int s = 0; s < LstmFixtures.BATCH; s++) {
            double[] h = new double[n], c = new double[n];
            for (int t = 0; t < T; t++) {
                double[] gates = new double[4 * n];
                for (int r = 0; r < 4 * n; r++) {
                    double a = ref.biasIh()[r] + ref.biasHh()[r];
                    for (int j = 0; j < nIn; j++) {
                        a += ref.weightIh()[r][j] * x.getDouble(s, j, t);
                    }
                    for (int j = 0; j < n; j++) {
                        a += ref.weightHh()[r][j] * h[j];
                    }
                    gates[r] = a;
                }
                for (int u = 0; u < n; u++) {
                    double i = sigmoid(gates[u]), f = sigmoid(gates[n + u]), g = Math.tanh(gates[2 * n + u]),
                            o = sigmoid(gates[3 * n + u]);
                    c[u] = f * c[u] + i * g;
                    h[u] = o * Math.tanh(c[u]);
                }
                for (int u = 0; u < n; u++) {
                    assertEquals(h[u], ours.getDouble(s, u, t), 1e-12, "sequence " + s + ", unit " + u + ", step " + t);
                }
            }
        }
    }

    static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    static double[][] gaussian(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = 0.7 * rnd.nextGaussian();
            }
        }
        return m;
    }
}
