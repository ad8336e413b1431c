package ai.laes.train;

import java.util.List;

import ai.laes.lstm.LstmLayer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link StateGradientProbe} for a first layer {@code LastTimeStep(LSTM | LstmLayer | SimpleRnn)}, exact and
 * in float64, through the layer's own backpropagation ({@link LstmLayer} has DL4J LSTM's parameters W, RW, b).
 *
 * <p>In both layers the state h_t reaches the loss only through the next step's pre-activations
 * z_{t+1} = x_{t+1} W + h_t RW + b (t &lt; T), or through the output head (t = T). So
 * dl/dh_t = dl/dz_{t+1} RW^T. A probe copy of the network gets k + n inputs with input weights
 * [W ; RW] and input [x ; 0]: its forward pass is unchanged, and the epsilon DL4J returns for the
 * extra n inputs at step t+1 is dl/dz_{t+1} RW^T = dl/dh_t. For t = T the epsilon is the head's
 * (the layers after the recurrent one) backpropagated from the labels to h_T.
 */
public final class RecurrentInputProbe implements StateGradientProbe {

    @Override
    public double[] meanStateGradientNorms(MultiLayerNetwork net, INDArray features, INDArray labels) {
        MultiLayerNetwork model = net.convertDataType(DataType.DOUBLE);
        model.initGradientsView();
        FeedForwardLayer cell = recurrentCell(model.getLayerWiseConfigurations());
        int k = (int) cell.getNIn();
        int n = (int) cell.getNOut();
        MultiLayerNetwork probe = probeNetwork(model, k, n);

        INDArray x = features.castTo(DataType.DOUBLE);
        INDArray y = labels.castTo(DataType.DOUBLE);
        long b = x.size(0);
        int steps = (int) x.size(2);
        INDArray augmented = Nd4j.concat(1, x, Nd4j.zeros(DataType.DOUBLE, b, n, steps));
        INDArray eps = probe.calculateGradients(augmented, y, null, null).getSecond();
        INDArray last = headEpsilon(model, x, y);

        double[] norms = new double[steps];
        for (int t = 0; t < steps; t++) {
            INDArray g = t == steps - 1 ? last
                    : eps.get(NDArrayIndex.all(), NDArrayIndex.interval(k, k + n), NDArrayIndex.point(t + 1));
            norms[t] = g.norm2(1).meanNumber().doubleValue();
        }
        return norms;
    }

    /** The LSTM, LstmLayer or SimpleRnn inside layer 0's LastTimeStep wrapper. */
    static FeedForwardLayer recurrentCell(MultiLayerConfiguration conf) {
        org.deeplearning4j.nn.conf.layers.Layer first = conf.getConf(0).getLayer();
        if (first instanceof LastTimeStep wrapper
                && (wrapper.getUnderlying() instanceof LSTM || wrapper.getUnderlying() instanceof LstmLayer
                        || wrapper.getUnderlying() instanceof SimpleRnn)) {
            return (FeedForwardLayer) wrapper.getUnderlying();
        }
        throw new IllegalArgumentException("the state-gradient probe needs a first layer LastTimeStep(LSTM, LstmLayer or SimpleRnn), found "
                + first.getClass().getSimpleName() + "; give the model its own StateGradientProbe");
    }

    /** The network with k + n inputs into layer 0 and input weights [W ; RW], other parameters copied. */
    static MultiLayerNetwork probeNetwork(MultiLayerNetwork model, int k, int n) {
        // A deep copy through JSON: clone() shares the layer inside LastTimeStep with the original.
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(model.getLayerWiseConfigurations().toJson());
        recurrentCell(conf).setNIn(k + n);
        MultiLayerNetwork probe = new MultiLayerNetwork(conf);
        probe.init();
        Layer source = model.getLayer(0);
        for (String key : source.paramTable().keySet()) {
            INDArray value = key.equals("W")
                    ? Nd4j.vstack(source.getParam("W"), source.getParam("RW"))
                    : source.getParam(key);
            probe.getLayer(0).setParam(key, value.dup());
        }
        for (int i = 1; i < model.getnLayers(); i++) {
            probe.getLayer(i).setParams(model.getLayer(i).params().dup());
        }
        return probe;
    }

    /** dl_i/dh_T for every example: backpropagation through the layers after the recurrent one. */
    static INDArray headEpsilon(MultiLayerNetwork model, INDArray x, INDArray y) {
        List<INDArray> acts = model.feedForward(x, true);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray eps = null;
        for (int i = model.getnLayers() - 1; i >= 1; i--) {
            Layer layer = model.getLayer(i);
            layer.setInput(acts.get(i).dup(), mgr);
            if (layer instanceof IOutputLayer out) {
                out.setLabels(y);
            }
            Pair<Gradient, INDArray> back = layer.backpropGradient(eps, mgr);
            eps = back.getSecond();
        }
        return eps;
    }
}
