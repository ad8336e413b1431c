package ai.laes.report;

import ai.laes.lmn.LinearMemoryLayerImpl;
import ai.laes.lmn.LinearMemoryParamInitializer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * dL/dm_t for every step of an LMN classifier (LinearMemoryLayer -> LastTimeStep -> softmax output),
 * in float64, from the network's own parameters. Row-vector form, with the stored matrices being the
 * transposes of docs/laes-math.md's (see {@link LinearMemoryParamInitializer}):
 * <pre>
 *   h_t = tanh(x_t Wxh + m_{t-1} Wmh + bh)      m_t = h_t Whm + m_{t-1} Wmm + bm      m_0 = 0
 *   L   = -log softmax(m_T Wo + bo)[label]     (per sequence)
 * </pre>
 * Since m_t reaches m_{t+1} directly (W_mm) and through h_{t+1} (W_hm diag(1 - h^2) W_mh), in column form
 * dL/dm_{t-1} = W_mm^T g_t + W_mh^T diag(1 - h_t^2) W_hm^T g_t with g_t = dL/dm_t, i.e. for rows
 * <pre>
 *   g_T = (softmax - onehot) Wo^T       g_{t-1} = g_t Wmm^T + ((g_t Whm^T) o (1 - h_t^2)) Wmh^T
 * </pre>
 */
public final class MemoryGradients {
    private final INDArray wxh, whm, wmh, wmm, bh, bm, wo, bo;

    private MemoryGradients(Layer memory, Layer output) {
        wxh = asDouble(memory.getParam(LinearMemoryParamInitializer.W_XH));
        whm = asDouble(memory.getParam(LinearMemoryParamInitializer.W_HM));
        wmh = asDouble(memory.getParam(LinearMemoryParamInitializer.W_MH));
        wmm = asDouble(memory.getParam(LinearMemoryParamInitializer.W_MM));
        bh = asDouble(memory.getParam(LinearMemoryParamInitializer.B_H));
        bm = asDouble(memory.getParam(LinearMemoryParamInitializer.B_M));
        wo = asDouble(output.getParam("W"));
        bo = asDouble(output.getParam("b"));
    }

    /** The parameters of an LMN classifier built by {@code RecurrentClassifiers.lmnClassifier} (layer 0 memory, layer 1 output). */
    public static MemoryGradients of(MultiLayerNetwork net) {
        return new MemoryGradients(LinearMemoryLayerImpl.unwrapped(net.getLayer(0)), net.getLayer(1));
    }

    /** The forward pass of one batch: h_t and m_t for t = 1..T (index t-1), float64. */
    public final class Trajectory {
        final INDArray[] h;
        final INDArray[] m;

        Trajectory(int steps) {
            h = new INDArray[steps];
            m = new INDArray[steps];
        }

        /** m_T, [batch, nM]. */
        public INDArray finalMemory() {
            return m[m.length - 1];
        }
    }

    /**
     * Runs the memory over {@code features} [batch, nIn, T] (DL4J's NCW); if {@code injectStep} is in 1..T,
     * adds {@code injection} [batch, nM] to m_{injectStep} before continuing (for finite differences).
     */
    public Trajectory forward(INDArray features, int injectStep, INDArray injection) {
        INDArray x = features.castTo(DataType.DOUBLE);
        int batch = (int) x.size(0);
        int steps = (int) x.size(2);
        Trajectory tr = new Trajectory(steps);
        INDArray prev = Nd4j.zeros(DataType.DOUBLE, batch, wmm.size(0));
        for (int t = 1; t <= steps; t++) {
            INDArray xt = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t - 1));
            INDArray h = Transforms.tanh(xt.mmul(wxh).addi(prev.mmul(wmh)).addiRowVector(bh), false);
            INDArray m = h.mmul(whm).addi(prev.mmul(wmm)).addiRowVector(bm);
            if (t == injectStep) {
                m.addi(injection);
            }
            tr.h[t - 1] = h;
            tr.m[t - 1] = m;
            prev = m;
        }
        return tr;
    }

    /** Sum over the batch of the per-sequence cross-entropy L. */
    public double loss(Trajectory tr, int[] labels) {
        INDArray logp = logSoftmax(tr.finalMemory());
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            sum -= logp.getDouble(i, labels[i]);
        }
        return sum;
    }

    /** g_t = dL_i/dm_t for t = 1..T (index t-1), each [batch, nM]: row i the gradient of sequence i's own loss. */
    public INDArray[] memoryGradients(Trajectory tr, int[] labels) {
        int steps = tr.m.length;
        INDArray delta = Transforms.exp(logSoftmax(tr.finalMemory()), false);
        for (int i = 0; i < labels.length; i++) {
            delta.putScalar(i, labels[i], delta.getDouble(i, labels[i]) - 1);
        }
        INDArray[] g = new INDArray[steps];
        g[steps - 1] = delta.mmul(wo.transpose());
        for (int t = steps; t >= 2; t--) {
            INDArray h = tr.h[t - 1];
            INDArray slope = h.mul(h).rsubi(1);
            INDArray u = g[t - 1].mmul(whm.transpose()).muli(slope);
            g[t - 2] = g[t - 1].mmul(wmm.transpose()).addi(u.mmul(wmh.transpose()));
        }
        return g;
    }

    /** Mean over the batch of ||dL_i/dm_t||, t = 1..T (index t-1). */
    public double[] meanNorms(INDArray features, int[] labels) {
        INDArray[] g = memoryGradients(forward(features, 0, null), labels);
        double[] norms = new double[g.length];
        for (int t = 0; t < g.length; t++) {
            norms[t] = g[t].norm2(1).meanNumber().doubleValue();
        }
        return norms;
    }

    private INDArray logSoftmax(INDArray memory) {
        INDArray z = memory.mmul(wo).addiRowVector(bo);
        INDArray max = z.max(1).reshape(z.size(0), 1);
        z.subiColumnVector(max);
        INDArray lse = Transforms.log(Transforms.exp(z, true).sum(1), false).reshape(z.size(0), 1);
        return z.subiColumnVector(lse);
    }

    private static INDArray asDouble(INDArray param) {
        return param.castTo(DataType.DOUBLE).dup();
    }
}
