package ai.laes.lmn;

import ai.laes.recurrent.KeyedParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Parameters of {@link LinearMemoryLayer} in DL4J's row-vector convention (a time step is a row,
 * {@code row_out = row_in * W + b}). Each stored matrix is the transpose of the column-vector matrix
 * of docs/laes-math.md, "The Linear Memory Network":
 * <pre>
 *   key  shape        = column-vector form
 *   Wxh  [nIn x nH]   = W_xh^T
 *   Whm  [nH  x nM]   = W_hm^T
 *   Wmh  [nM  x nH]   = W_mh^T
 *   Wmm  [nM  x nM]   = W_mm^T
 *   bh   [1 x nH]     = b_h^T
 *   bm   [1 x nM]     = b_m^T
 * </pre>
 * so that h_t = act(x_t Wxh + m_{t-1} Wmh + bh) and m_t = h_t Whm + m_{t-1} Wmm + bm for row vectors.
 * <p>
 * Flat layout (in this order, matrices in 'f' order): Wxh, Whm, Wmh, Wmm, bh, bm. Wmh and Wmm are
 * adjacent, so together they are one 'f'-order matrix [Wmh | Wmm] of shape [nM x (nH + nM)]; bh and bm
 * likewise form one row [bh | bm]. The layer multiplies m_{t-1} by that block with a single GEMM per step.
 */
public final class LinearMemoryParamInitializer extends KeyedParamInitializer {

    public static final String W_XH = "Wxh";
    public static final String W_HM = "Whm";
    public static final String W_MH = "Wmh";
    public static final String W_MM = "Wmm";
    public static final String B_H = "bh";
    public static final String B_M = "bm";

    private static final List<String> WEIGHT_KEYS = Collections.unmodifiableList(Arrays.asList(W_XH, W_HM, W_MH, W_MM));
    private static final List<String> BIAS_KEYS = Collections.unmodifiableList(Arrays.asList(B_H, B_M));
    private static final List<String> ALL_KEYS = Collections.unmodifiableList(Arrays.asList(W_XH, W_HM, W_MH, W_MM, B_H, B_M));

    private static final LinearMemoryParamInitializer INSTANCE = new LinearMemoryParamInitializer();

    private LinearMemoryParamInitializer() {
        super(WEIGHT_KEYS, BIAS_KEYS);
    }

    public static LinearMemoryParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(Layer layer) {
        LinearMemoryLayer c = (LinearMemoryLayer) layer;
        long nIn = c.getNIn(), nH = c.getNH(), nM = c.getNOut();
        return nIn * nH + nH * nM + nM * (nH + nM) + nH + nM;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        LinearMemoryLayer c = (LinearMemoryLayer) conf.getLayer();
        if (initializeParams) {
            // DL4J's weight initialisers fill a flat [1 x n] slice and reshape it in 'f' order.
            Map<String, INDArray> flat = views(c, paramsView, false);
            long nIn = c.getNIn(), nH = c.getNH(), nM = c.getNOut();
            IWeightInit input = c.getWeightInitFn();
            IWeightInit recurrent = c.getWeightInitFnRecurrent() != null ? c.getWeightInitFnRecurrent() : input;
            input.init(nIn, nH, new long[]{nIn, nH}, 'f', flat.get(W_XH));
            input.init(nH, nM, new long[]{nH, nM}, 'f', flat.get(W_HM));
            recurrent.init(nM, nH, new long[]{nM, nH}, 'f', flat.get(W_MH));
            recurrent.init(nM, nM, new long[]{nM, nM}, 'f', flat.get(W_MM));
            flat.get(B_H).assign(c.getBiasInit());
            flat.get(B_M).assign(c.getBiasInit());
        }
        Map<String, INDArray> m = views(c, paramsView, true);
        for (String key : ALL_KEYS) {
            conf.addVariable(key);
        }
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((LinearMemoryLayer) conf.getLayer(), gradientView, true);
    }

    /** The six parameter views (shapes as in the class comment, or flat rows) of a flat [1 x numParams] array. */
    static Map<String, INDArray> views(LinearMemoryLayer c, INDArray flat, boolean shaped) {
        long nIn = c.getNIn(), nH = c.getNH(), nM = c.getNOut();
        Map<String, INDArray> m = new LinkedHashMap<>();
        long pos = 0;
        m.put(W_XH, shaped ? matrix(flat, pos, nIn, nH) : row(flat, pos, nIn * nH));
        pos += nIn * nH;
        m.put(W_HM, shaped ? matrix(flat, pos, nH, nM) : row(flat, pos, nH * nM));
        pos += nH * nM;
        m.put(W_MH, shaped ? matrix(flat, pos, nM, nH) : row(flat, pos, nM * nH));
        pos += nM * nH;
        m.put(W_MM, shaped ? matrix(flat, pos, nM, nM) : row(flat, pos, nM * nM));
        pos += nM * nM;
        m.put(B_H, row(flat, pos, nH));
        pos += nH;
        m.put(B_M, row(flat, pos, nM));
        return m;
    }

    /** The recurrent block [Wmh | Wmm], shape [nM x (nH + nM)], as a view of the flat array. */
    static INDArray recurrentBlock(LinearMemoryLayer c, INDArray flat) {
        long nIn = c.getNIn(), nH = c.getNH(), nM = c.getNOut();
        return matrix(flat, nIn * nH + nH * nM, nM, nH + nM);
    }

    /** The bias row [bh | bm], shape [1 x (nH + nM)], as a view of the flat array. */
    static INDArray biasRow(LinearMemoryLayer c, INDArray flat) {
        long nIn = c.getNIn(), nH = c.getNH(), nM = c.getNOut();
        return row(flat, nIn * nH + nH * nM + nM * (nH + nM), nH + nM);
    }

    private static INDArray matrix(INDArray flat, long offset, long rows, long cols) {
        return flat.get(interval(0, 0, true), interval(offset, offset + rows * cols)).reshape('f', rows, cols);
    }

    private static INDArray row(INDArray flat, long offset, long length) {
        return flat.get(interval(0, 0, true), interval(offset, offset + length));
    }
}
