package ai.laes.lmn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.common.primitives.Pair;

import java.util.Map;

/**
 * The LMN layer's forward pass and backpropagation through time, written for speed (see
 * {@link LmnTape} for the time-major buffers). Row-vector form of laes-math.md section 2, with the
 * parameter names of {@link LinearMemoryParamInitializer} and R = [Wmh | Wmm], c = [bh | bm]:
 * <pre>
 *   [z_t | m_t] = [x_t Wxh | 0] + m_{t-1} R + c      (one GEMM per step into a block prefilled with x Wxh + c)
 *   h_t         = act(z_t)
 *   m_t        += h_t Whm                            (second GEMM, accumulating)
 * </pre>
 * Backward, with g_t = dL/dm_t from above and e_t = [dL/dz_t | dL/dm_t]:
 * <pre>
 *   dL/dm_t = g_t + e_{t+1} R^T          dL/dh_t = dL/dm_t Whm^T        dL/dz_t = act'(z_t) * dL/dh_t
 *   dR = [m_0..m_{T-1}]^T E   dWhm = H^T dM   dWxh = X^T dZ   dc = column sums of E   dL/dx = dZ Wxh^T
 * </pre>
 * so the loop holds only the recurrence and each weight gradient is one GEMM over all T*b rows.
 * <p>
 * Masks (variable lengths), as DL4J's SimpleRnn: a masked step outputs m_t = 0, and the next step starts
 * from that zero state, so with padding at the end the real steps are unaffected and with padding at
 * the start each sequence starts from m = 0 at its first real step. Masked steps pass no gradient.
 * <p>
 * A training forward pass keeps its tape; the backward pass that follows reuses it instead of
 * recomputing the forward pass (DL4J calls activate(training) then backpropGradient on the same input).
 * Weight noise and dropout on this layer's input are not supported.
 */
public class LinearMemoryLayerImpl extends BaseRecurrentLayer<LinearMemoryLayer> {
    /** Key of the last memory state m_T in the rnnTimeStep / truncated-BPTT state maps. */
    public static final String STATE_KEY_MEMORY = "m";

    private static final MMulTranspose NN = MMulTranspose.allFalse();
    private static final MMulTranspose NT = MMulTranspose.builder().transposeB(true).build();
    private static final MMulTranspose TN = MMulTranspose.builder().transposeA(true).build();

    private transient LmnTape tape;
    /** The input and initial state the tape holds a complete forward pass for (null: none). */
    private transient INDArray tapeInput;
    private transient INDArray tapeM0;

    public LinearMemoryLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return output(forward(null, training), workspaceMgr);
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        LmnTape tp = forward(stateMap.get(STATE_KEY_MEMORY), false);
        stateMap.put(STATE_KEY_MEMORY, detachedCopy(tp.mStep[tp.T]));
        return output(tp, workspaceMgr);
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
            LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        LmnTape tp = forward(tBpttStateMap.get(STATE_KEY_MEMORY), training);
        if (storeLastForTBPTT) {
            tBpttStateMap.put(STATE_KEY_MEMORY, detachedCopy(tp.mStep[tp.T]));
        }
        return output(tp, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return tbpttBackpropGradient(epsilon, -1, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
            LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        LmnTape tp = (tape != null && tapeInput == input) ? tape : forward(tapeM0, true);
        tapeInput = null; // the backward pass overwrites parts of the tape
        LinearMemoryLayer c = layerConf();
        INDArray r = LinearMemoryParamInitializer.recurrentBlock(c, paramsFlattened);
        INDArray wxh = params.get(LinearMemoryParamInitializer.W_XH);
        INDArray whm = params.get(LinearMemoryParamInitializer.W_HM);
        int T = tp.T;
        int first = tbpttBackLength > 0 ? Math.max(0, T - tbpttBackLength) : 0; // first step index (0-based)

        // dL/dm_t from above, time-major; steps before `first` get no gradient (truncated BPTT)
        tp.dm3.assign(permuteIfNWC(epsilon).permute(2, 0, 1));
        if (first > 0) {
            tp.d.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, (long) first * tp.b),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(0);
        }
        IActivation act = c.getActivationFn();
        for (int t = T - 1; t >= first; t--) {
            INDArray dm = tp.dmStep[t];
            if (t < T - 1) {
                mmul(tp.dStep[t + 1], r, dm, NT, 1.0);
            }
            if (maskArray != null) {
                dm.muliColumnVector(maskColumn(t));
            }
            INDArray dz = tp.dzStep[t];
            mmul(dm, whm, dz, NT, 0.0);
            activationBackprop(act, tp.zStep[t + 1], dz);
        }

        gradientsFlattened.assign(0);
        Map<String, INDArray> g = gradientViews;
        INDArray gradR = LinearMemoryParamInitializer.recurrentBlock(c, gradientsFlattened);
        mmul(tp.mPrev, tp.d, gradR, TN, 0.0);
        mmul(tp.h, tp.dmAll, g.get(LinearMemoryParamInitializer.W_HM), TN, 0.0);
        mmul(tp.x, tp.dzAll, g.get(LinearMemoryParamInitializer.W_XH), TN, 0.0);
        tp.d.sum(LinearMemoryParamInitializer.biasRow(c, gradientsFlattened), 0);
        mmul(tp.dzAll, wxh, tp.dx, NT, 0.0);
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[]{tp.b, tp.nIn, T}, 'f');
        epsOut.assign(tp.dx3.permute(1, 2, 0));

        Gradient grad = new DefaultGradient(gradientsFlattened);
        for (String key : LinearMemoryParamInitializer.getInstance().paramKeys(c)) {
            grad.gradientForVariable().put(key, g.get(key));
        }
        return new Pair<>(grad, permuteIfNWC(epsOut));
    }

    @Override
    public void clear() {
        super.clear();
        tapeInput = null;
    }

    /** Runs the recurrence over the current input from state m0 (null: zeros) and returns the tape. */
    private LmnTape forward(INDArray m0, boolean keepForBackprop) {
        assertInputSet(false);
        INDArray in = permuteIfNWC(input.castTo(dataType));
        if (in.rank() != 3) {
            throw new IllegalStateException("LinearMemoryLayer expects rank 3 input [batch, nIn, T], got "
                    + java.util.Arrays.toString(in.shape()));
        }
        LinearMemoryLayer c = layerConf();
        long b = in.size(0), T = in.size(2);
        if (m0 != null && m0.size(0) != b) {
            throw new IllegalStateException("LinearMemoryLayer stored state has batch " + m0.size(0)
                    + " but the input has batch " + b + ": call rnnClearPreviousState() between batches");
        }
        if (tape == null || !tape.fits(dataType, b, T)) {
            tape = null;
            tape = new LmnTape(dataType, (int) b, (int) T, (int) c.getNIn(), (int) c.getNH(), (int) c.getNOut());
        }
        LmnTape tp = tape;
        INDArray r = LinearMemoryParamInitializer.recurrentBlock(c, paramsFlattened);
        INDArray bias = LinearMemoryParamInitializer.biasRow(c, paramsFlattened);
        INDArray wxh = params.get(LinearMemoryParamInitializer.W_XH);
        INDArray whm = params.get(LinearMemoryParamInitializer.W_HM);
        IActivation act = c.getActivationFn();

        tp.x3.assign(in.permute(2, 0, 1));
        Nd4j.getExecutioner().exec(new BroadcastCopyOp(tp.sIn, bias, tp.sIn, 1));
        mmul(tp.x, wxh, tp.zAll, NN, 1.0);
        if (m0 == null) {
            tp.mStep[0].assign(0);
        } else {
            tp.mStep[0].assign(m0);
        }
        for (int t = 1; t <= tp.T; t++) {
            mmul(tp.mStep[t - 1], r, tp.sStep[t], NN, 1.0);
            activation(act, tp.zStep[t], tp.hStep[t - 1]);
            mmul(tp.hStep[t - 1], whm, tp.mStep[t], NN, 1.0);
            if (maskArray != null) {
                tp.mStep[t].muliColumnVector(maskColumn(t - 1));
            }
        }
        tapeInput = keepForBackprop ? input : null;
        tapeM0 = m0;
        return tp;
    }

    /** The memory sequence m_1..m_T as [b, nM, T] (or NWC) in the activations workspace. */
    private INDArray output(LmnTape tp, LayerWorkspaceMgr workspaceMgr) {
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[]{tp.b, tp.nM, tp.T}, 'f');
        out.assign(tp.m3.permute(1, 2, 0));
        return permuteIfNWC(out);
    }

    private INDArray maskColumn(int t) {
        return maskArray.getColumn(t, true).castTo(dataType);
    }

    /** c = a op b + beta c; c may be a strided view (row stride > columns), which BLAS takes as ldc. */
    private static void mmul(INDArray a, INDArray b, INDArray c, MMulTranspose mt, double beta) {
        Nd4j.exec(new Mmul(a, b, c, 1.0, beta, mt));
    }

    /** h = act(z), out of place. */
    private static void activation(IActivation act, INDArray z, INDArray h) {
        if (act instanceof ActivationTanH) {
            Nd4j.getExecutioner().exec(new Tanh(z, h));
        } else {
            h.assign(z);
            if (!(act instanceof ActivationIdentity)) {
                act.getActivation(h, true);
            }
        }
    }

    /** dh := act'(z) * dh; z may be overwritten. */
    private static void activationBackprop(IActivation act, INDArray z, INDArray dh) {
        if (act instanceof ActivationTanH) {
            Nd4j.exec(new TanhDerivative(z, dh, dh));
        } else if (!(act instanceof ActivationIdentity)) {
            dh.assign(act.backprop(z, dh).getFirst());
        }
    }

    private static INDArray detachedCopy(INDArray a) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return a.dup('c');
        }
    }
}
