package ai.laes.lstm;

import ai.laes.recurrent.KeyedParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Parameters of {@link LstmLayer}, laid out exactly as DL4J's {@code LSTMParamInitializer}, so values copy
 * one to one between the two layers:
 * <pre>
 *   key  shape        flat order
 *   W    [nIn x 4n]   'f'      input weights, gate blocks [g | f | o | i]
 *   RW   [n x 4n]     'f'      recurrent weights, same blocks
 *   b    [1 x 4n]              biases, block f = forgetGateBiasInit, the others 0
 * </pre>
 * Initialisation as DL4J's LSTM: both W and RW through the layer's weight init with fanIn = n and
 * fanOut = nIn + n (RW through the recurrent weight init when one is set).
 */
public final class LstmParamInitializer extends KeyedParamInitializer {
    public static final String W = "W";
    public static final String RW = "RW";
    public static final String B = "b";

    private static final List<String> WEIGHT_KEYS = List.of(W, RW);
    private static final List<String> BIAS_KEYS = Collections.singletonList(B);
    private static final List<String> ALL_KEYS = List.of(W, RW, B);

    private static final LstmParamInitializer INSTANCE = new LstmParamInitializer();

    private LstmParamInitializer() {
        super(WEIGHT_KEYS, BIAS_KEYS);
    }

    public static LstmParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(Layer layer) {
        LstmLayer c = (LstmLayer) layer;
        long nIn = c.getNIn(), n = c.getNOut();
        return nIn * 4 * n + n * 4 * n + 4 * n;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        LstmLayer c = (LstmLayer) conf.getLayer();
        Map<String, INDArray> m = views(c, paramsView);
        if (initializeParams) {
            long nIn = c.getNIn(), n = c.getNOut();
            IWeightInit input = c.getWeightInitFn();
            IWeightInit recurrent = c.getWeightInitFnRecurrent() != null ? c.getWeightInitFnRecurrent() : input;
            // DL4J's weight initialisers fill a flat [1 x len] slice in 'f' order, as DL4J's LSTM passes them
            input.init(n, nIn + n, new long[]{nIn, 4 * n}, 'f', row(paramsView, 0, nIn * 4 * n));
            recurrent.init(n, nIn + n, new long[]{n, 4 * n}, 'f', row(paramsView, nIn * 4 * n, n * 4 * n));
            INDArray b = m.get(B);
            b.assign(0);
            b.get(interval(0, 0, true), interval(n, 2 * n)).assign(c.getForgetGateBiasInit());
        }
        for (String key : ALL_KEYS) {
            conf.addVariable(key);
        }
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((LstmLayer) conf.getLayer(), gradientView);
    }

    /** W, RW ('f'-order matrix views) and b (row view) of a flat [1 x numParams] array. */
    static Map<String, INDArray> views(LstmLayer c, INDArray flat) {
        long nIn = c.getNIn(), n = c.getNOut();
        long w = nIn * 4 * n, rw = n * 4 * n;
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(W, row(flat, 0, w).reshape('f', nIn, 4 * n));
        m.put(RW, row(flat, w, rw).reshape('f', n, 4 * n));
        m.put(B, row(flat, w + rw, 4 * n));
        return m;
    }

    private static INDArray row(INDArray flat, long offset, long length) {
        return flat.get(interval(0, 0, true), interval(offset, offset + length));
    }
}
