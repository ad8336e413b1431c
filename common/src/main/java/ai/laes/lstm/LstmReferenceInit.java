package ai.laes.lstm;

import java.util.Arrays;
import java.util.Random;

import ai.laes.io.InputException;
import ai.laes.numerics.RandomMatrices;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The paper's LSTM baseline as the reference draws it ({@code LSTMCell} of rnn_nograd/rnn_modules.py, the
 * {@code lstm} model of train_mnist.py), mapped onto {@link LstmLayer}'s parameters:
 * <pre>
 *   weight_ih [4n x nIn], weight_hh [4n x n], bias_ih [4n], bias_hh [4n]   all 0.01 N(0, 1)
 *   then bias_hh[n .. 2n) := 1.0 (the forget block; the reference's gate order is i, f, g, o)
 * </pre>
 * The reference adds both biases to the gates, so our single bias is their sum: 1 + 0.01 N(0, 1) in the forget
 * block, N(0, 2 * 0.01^2) elsewhere. Our weights are the transposes ({@code W = weight_ih^T},
 * {@code RW = weight_hh^T}), and the reference's gate chunks i, f, g, o go to our blocks [g | f | o | i]
 * ({@link #OUR_BLOCK}). Drawn with our own seeded generator; DL4J's Xavier draw of the layer's own
 * {@link LstmParamInitializer} is overwritten.
 */
public final class LstmReferenceInit {
    /** Scale of every reference LSTM parameter draw, {@code 0.01 * torch.randn}. */
    public static final double SCALE = 0.01;
    /** The reference's {@code forget_bias}, written into bias_hh's forget block. */
    public static final double FORGET_BIAS = 1.0;
    /** Our block (g = 0, f = 1, o = 2, i = 3) of the reference's gate chunk i = 0, f = 1, g = 2, o = 3. */
    static final int[] OUR_BLOCK = {3, 1, 0, 2};
    private static final int FORGET_CHUNK = 1;

    private LstmReferenceInit() {
    }

    /** The reference's four parameters in its own layout (rows are gate units, chunks i, f, g, o). */
    record Drawn(double[][] weightIh, double[][] weightHh, double[] biasIh, double[] biasHh) {
        /** A reference LSTMCell of {@code n} units on {@code nIn} inputs, drawn from {@code rnd}, forget bias set. */
        static Drawn draw(Random rnd, int n, int nIn) {
            double[][] weightIh = gaussian(rnd, 4 * n, nIn);
            double[][] weightHh = gaussian(rnd, 4 * n, n);
            double[] biasIh = RandomMatrices.gaussian(rnd, 4 * n, SCALE);
            double[] biasHh = RandomMatrices.gaussian(rnd, 4 * n, SCALE);
            Arrays.fill(biasHh, FORGET_CHUNK * n, (FORGET_CHUNK + 1) * n, FORGET_BIAS);
            return new Drawn(weightIh, weightHh, biasIh, biasHh);
        }

        /** Writes these parameters into an LstmLayer's W, RW and b: transposed, chunks moved to our blocks. */
        void writeTo(Layer layer) {
            INDArray w = layer.getParam(LstmParamInitializer.W);
            INDArray rw = layer.getParam(LstmParamInitializer.RW);
            INDArray b = layer.getParam(LstmParamInitializer.B);
            int n = (int) rw.size(0), nIn = (int) w.size(0);
            if (weightIh.length != 4 * n || weightIh[0].length != nIn) {
                throw new InputException("reference LSTM of " + weightIh.length / 4 + " units on " + weightIh[0].length
                        + " inputs does not fit an LstmLayer of " + n + " on " + nIn);
            }
            for (int chunk = 0; chunk < 4; chunk++) {
                int ours = OUR_BLOCK[chunk] * n;
                for (int u = 0; u < n; u++) {
                    int r = chunk * n + u;
                    for (int j = 0; j < nIn; j++) {
                        w.putScalar(j, ours + u, weightIh[r][j]);
                    }
                    for (int j = 0; j < n; j++) {
                        rw.putScalar(j, ours + u, weightHh[r][j]);
                    }
                    b.putScalar(0, ours + u, biasIh[r] + biasHh[r]);
                }
            }
        }
    }

    /** Overwrites W, RW and b of the LstmLayer at {@code layerIndex} (possibly inside LastTimeStep), drawn from {@code seed}. */
    public static void initialise(MultiLayerNetwork net, int layerIndex, long seed) {
        Layer layer = lstmAt(net, layerIndex);
        int n = (int) layer.getParam(LstmParamInitializer.RW).size(0);
        int nIn = (int) layer.getParam(LstmParamInitializer.W).size(0);
        Drawn.draw(new Random(seed), n, nIn).writeTo(layer);
    }

    private static double[][] gaussian(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][];
        for (int i = 0; i < rows; i++) {
            m[i] = RandomMatrices.gaussian(rnd, cols, SCALE);
        }
        return m;
    }

    static Layer lstmAt(MultiLayerNetwork net, int layerIndex) {
        if (layerIndex < 0 || layerIndex >= net.getnLayers()) {
            throw new InputException("layerIndex " + layerIndex + " is outside the network's " + net.getnLayers() + " layers");
        }
        Layer layer = net.getLayer(layerIndex);
        while (layer instanceof BaseWrapperLayer wrapper) {
            layer = wrapper.getUnderlying();
        }
        if (!(layer.conf().getLayer() instanceof LstmLayer)) {
            throw new InputException("layer " + layerIndex + " is a " + layer.conf().getLayer().getClass().getSimpleName()
                    + ", not an LstmLayer");
        }
        return layer;
    }
}
