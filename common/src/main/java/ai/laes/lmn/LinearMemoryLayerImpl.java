package ai.laes.lmn;

import ai.laes.recurrent.Elements;
import ai.laes.recurrent.NativeMatrix;
import ai.laes.recurrent.StepMask;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Map;

import static ai.laes.lmn.LinearMemoryParamInitializer.W_HM;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_MM;
import static ai.laes.lmn.LinearMemoryParamInitializer.W_XH;
import static ai.laes.recurrent.NativeMatrix.gemm;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * The LMN layer's forward pass and backpropagation through time, written for speed (see
 * {@link LmnTape} for the time-major buffers). Row-vector form of docs/laes-math.md, "The Linear Memory Network", with the
 * parameter names of {@link LinearMemoryParamInitializer} and R = [Wmh | Wmm], c = [bh | bm]:
 * <pre>
 *   [z_t | m_t] = [m_{t-1} | 1 | x_t] [R; c; Wxh | 0]   (one GEMM per step, its operand a block of the tape)
 *   h_t         = act(z_t)
 *   m_t        += h_t Whm                              (second GEMM, accumulating)
 * </pre>
 * Backward, with g_t = dL/dm_t from above and e_t = [dL/dz_t | dL/dm_t]:
 * <pre>
 *   dL/dm_t = g_t + e_{t+1} R^T          dL/dh_t = dL/dm_t Whm^T        dL/dz_t = act'(z_t) * dL/dh_t
 *   [dR; dc; dWxh | *] = [M | 1 | X]^T E      dWhm = H^T dM      dL/dx = dZ Wxh^T
 * </pre>
 * where the weight gradients are GEMMs over chunks of steps the recurrence has just passed
 * ({@link #weightGradients}), and g_t is read step by step from DL4J's epsilon, skipping the all-zero
 * steps LastTimeStep passes down. A step t+1 that
 * detaches m_t from the functional component ({@link LinearMemoryLayer#detachedSteps}) contributes only
 * dL/dm_{t+1} Wmm^T to dL/dm_t (not dL/dz_{t+1} Wmh^T); with detach probability 0 nothing is drawn and the loop
 * is the plain one.
 * For tanh, act'(z_t) = 1 - h_t^2 is taken from the stored h_t; in FLOAT networks tanh itself is a
 * float-accurate rational approximation computed in Java ({@link Elements#tanhFloat}), in DOUBLE ND4J's op.
 * <p>
 * Masks (variable lengths), as DL4J's SimpleRnn ({@link StepMask}): a masked step outputs m_t = 0, and the next step
 * starts from that zero state, so with padding at the end the real steps are unaffected and with padding at
 * the start (end-aligned batches) each sequence starts from m = 0 at its first real step. Masked steps pass no
 * gradient (dL/dm_t := 0 there, hence dL/dz_t = 0, no weight gradient and dL/dx_t = 0). A sequence in a padded batch
 * gets the outputs and gradients it gets alone (tested on every route, training, inference, the memory-free and
 * the LAES-start inference routes, rnnTimeStep). Without a mask nothing changes; with one, a step without padding
 * costs one flag check.
 * <p>
 * A training forward pass keeps its tape; the backward pass that follows reuses it instead of
 * recomputing the forward pass (DL4J calls activate(training) then backpropGradient on the same input).
 * Weight noise and dropout on this layer's input are not supported.
 */
public class LinearMemoryLayerImpl extends BaseRecurrentLayer<LinearMemoryLayer> {
    /** Key of the last memory state m_T in the rnnTimeStep / truncated-BPTT state maps. */
    public static final String STATE_KEY_MEMORY = "m";

    /** Rows (time steps x batch) of the backward pass's weight-gradient GEMMs per call ({@link #weightGradients}). */
    static final int GRADIENT_CHUNK_ROWS = 1024;

    private transient LmnTape tape;
    /** Who lent {@link #tape}: {@link TapePool}, which gets it back when this layer replaces it or is gone. */
    private transient TapePool.Lease lease;
    /** The input the tape holds a complete training forward pass for (null: none), and its initial state. */
    private transient INDArray tapeInput;
    private transient INDArray tapeM0;
    /** Inference's buffers ({@link InferenceBuffers}), reused while their shape fits. */
    private transient InferenceBuffers inference;

    public LinearMemoryLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return training ? output(null, true, workspaceMgr) : infer(workspaceMgr);
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray out = output(stateMap.get(STATE_KEY_MEMORY), false, workspaceMgr);
        stateMap.put(STATE_KEY_MEMORY, detachedCopy(tape.mStep[tape.T]));
        return out;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
            LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray out = output(tBpttStateMap.get(STATE_KEY_MEMORY), training, workspaceMgr);
        if (storeLastForTBPTT) {
            tBpttStateMap.put(STATE_KEY_MEMORY, detachedCopy(tape.mStep[tape.T]));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return tbpttBackpropGradient(epsilon, -1, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
            LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        LmnTape tp = (tape != null && tapeInput == input) ? tape : forward(tapeM0, true, null);
        tapeInput = null; // the backward pass overwrites parts of the tape
        LinearMemoryLayer c = layerConf();
        NativeMatrix r = NativeMatrix.of(LinearMemoryParamInitializer.recurrentBlock(c, paramsFlattened));
        NativeMatrix whm = NativeMatrix.of(params.get(W_HM));
        NativeMatrix wxh = NativeMatrix.of(params.get(W_XH));
        NativeMatrix gWhm = NativeMatrix.of(gradientViews.get(W_HM));
        int T = tp.T, b = tp.b, nH = tp.nH, nM = tp.nM;
        int first = tbpttBackLength > 0 ? Math.max(0, T - tbpttBackLength) : 0; // earliest step (0-based) reached

        INDArray eps = permuteIfNWC(epsilon);
        Elements epsE = Elements.of(eps);
        if (first > 0) {
            tp.d.get(interval(0, (long) first * b), all()).assign(0);
            tp.dx.get(interval(0, (long) first * b), all()).assign(0);
        }
        IActivation act = c.getActivationFn();
        boolean[] detached = LinearMemoryLayer.detachedSteps(c.getDetachProbability(), c.getDetachSeed(), getIterationCount(), T);
        NativeMatrix wmm = detached == null ? null : NativeMatrix.of(params.get(W_MM));
        StepMask mask = StepMask.of(maskArray, b, T);
        int chunk = Math.max(1, GRADIENT_CHUNK_ROWS / b), end = T;
        for (int t = T - 1; t >= first; t--) {
            NativeMatrix et = tp.dN.rows((long) t * b, b);
            NativeMatrix dm = et.cols(nH, nM);
            boolean fromAbove = Elements.ncwStepToRows(eps, epsE, t, tp.dE, nH, nH + nM, tp.scratchB, tp.zeros);
            if (t < T - 1) {
                NativeMatrix next = tp.dN.rows((long) (t + 1) * b, b);
                double beta = fromAbove ? 1.0 : 0.0;
                if (detached != null && detached[t + 1]) { // step t+2 holds m_{t+1} constant in W_mh m_{t+1}
                    gemm(next.cols(nH, nM), false, wmm, true, dm, beta);
                } else {
                    gemm(next, false, r, true, dm, beta);
                }
            } else if (!fromAbove) {
                tp.dmStep[t].assign(0);
            }
            if (mask != null) {
                mask.zeroPaddedRows(t, tp.dE, t * b * (nH + nM) + nH, nH + nM, nM);
            }
            gemm(dm, false, whm, true, et.cols(0, nH), 0.0);
            activationBackprop(act, tp, t);
            if (end - t == chunk || t == first) {
                weightGradients(tp, t, end, wxh, gWhm, end == T ? 0.0 : 1.0);
                end = t;
            }
        }
        Map<String, INDArray> g = gradientViews;
        tp.gradients.store(LinearMemoryParamInitializer.recurrentBlock(c, gradientsFlattened),
                LinearMemoryParamInitializer.biasRow(c, gradientsFlattened), g.get(W_XH));
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[]{b, tp.nIn, T}, 'f');
        Elements.timeMajorToNcw(tp.dxE, 0, tp.nIn, epsOut, Elements.of(epsOut));

        Gradient grad = new DefaultGradient(gradientsFlattened);
        for (String key : LinearMemoryParamInitializer.getInstance().paramKeys(c)) {
            grad.gradientForVariable().put(key, g.get(key));
        }
        return new Pair<>(grad, permuteIfNWC(epsOut));
    }

    /**
     * The weight gradients and dL/dx of steps from..to-1 (0-based), added to (beta 1) or replacing (beta 0)
     * those of the later steps, right after the backward recurrence has computed their d rows, which are
     * still in cache: with S = [m_{t-1} | 1 | x_t] and E = [dZ | dM] over these rows,
     * <pre>
     *   [dR; dc; dWxh | *] += S^T E      dWhm += H^T dM      dX = dZ Wxh^T
     * </pre>
     * Chunks of {@link #GRADIENT_CHUNK_ROWS} rows run the GEMMs as fast as one GEMM over all T*b rows
     * does with its operands in cache (a 128 x 256 x 50,176 GEMM took 44 ms from memory, 27 ms hot).
     */
    private static void weightGradients(LmnTape tp, int from, int to, NativeMatrix wxh, NativeMatrix gWhm, double beta) {
        int b = tp.b, nH = tp.nH, nM = tp.nM, rows = (to - from) * b;
        long r0 = (long) from * b;
        NativeMatrix e = tp.dN.rows(r0, rows);
        gemm(tp.sN.rows(r0, rows).cols(nH, tp.sw - nH), true, e, false, tp.gradients.n, beta);
        gemm(tp.hN.rows(r0, rows), true, e.cols(nH, nM), false, gWhm, beta);
        gemm(e.cols(0, nH), false, wxh, true, tp.dxN.rows(r0, rows), 0.0);
    }

    /** Block t's columns [m_t | 1 | x_{t+1}] (see {@link LmnTape}), the left operand of step t+1's GEMM. */
    private static NativeMatrix stackedOperand(LmnTape tp, int t, int b) {
        return tp.sN.rows((long) t * b, b).cols(tp.nH, tp.sw - tp.nH);
    }

    /**
     * After a backward pass: for each step t (index t - 1) the mean over the batch of ||dL/dm_t||, the
     * total derivative of the loss the pass started from (through every later step and the output)
     * with respect to the memory state, as the BPTT loop left it in the tape.
     */
    public double[] memoryGradientNorms() {
        LmnTape tp = tape;
        if (tp == null) {
            throw new IllegalStateException("memoryGradientNorms needs a backward pass first");
        }
        double[] perRow = tp.d.get(interval(0, (long) tp.T * tp.b), interval(tp.nH, tp.nH + tp.nM)).norm2(1)
                .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        double[] norms = new double[tp.T];
        for (int t = 0; t < tp.T; t++) {
            for (int i = 0; i < tp.b; i++) {
                norms[t] += perRow[t * tp.b + i] / tp.b;
            }
        }
        return norms;
    }

    /**
     * Gives this layer's tape back to {@link TapePool} now, for the next layer of its shape; a later
     * pass of this layer leases one again. For a caller that knows the network is done with.
     */
    public void releaseTape() {
        if (lease != null) {
            tape = null;
            tapeInput = null;
            lease.release();
            lease = null;
        }
    }

    /** The layer inside any wrappers (LastTimeStep and the like) of {@code layer}. */
    public static org.deeplearning4j.nn.api.Layer unwrapped(org.deeplearning4j.nn.api.Layer layer) {
        org.deeplearning4j.nn.api.Layer l = layer;
        while (l instanceof BaseWrapperLayer w) {
            l = w.getUnderlying();
        }
        return l;
    }

    /** Gives back the tapes of every LMN layer of {@code net} ({@link #releaseTape()}), wrapped ones included. */
    public static void releaseTapes(MultiLayerNetwork net) {
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            if (unwrapped(layer) instanceof LinearMemoryLayerImpl lmn) {
                lmn.releaseTape();
            }
        }
    }

    /** Whether this layer holds a tape now (from its first pass until {@link #releaseTape()}). */
    public boolean holdsTape() {
        return tape != null;
    }

    /** The tape this layer holds now (null before its first pass), for the tests. */
    LmnTape tape() {
        return tape;
    }

    @Override
    public void clear() {
        super.clear();
        tapeInput = null;
    }

    /** The current input as [b, nIn, T] in this layer's data type. */
    private INDArray inputNcw() {
        assertInputSet(false);
        INDArray in = permuteIfNWC(input.castTo(dataType));
        if (in.rank() != 3) {
            throw new IllegalStateException("LinearMemoryLayer expects rank 3 input [batch, nIn, T], got "
                    + Arrays.toString(in.shape()));
        }
        return in;
    }

    /**
     * Runs the recurrence over the current input from state m0 (null: zeros) and returns the tape; with
     * {@code out} (the elements of a time-major [T, b, nM] array; null: none) each m_t is copied there
     * right after its step, while its block is in cache.
     */
    private LmnTape forward(INDArray m0, boolean keepForBackprop, Elements out) {
        INDArray in = inputNcw();
        LinearMemoryLayer c = layerConf();
        long b = in.size(0), T = in.size(2);
        if (m0 != null && m0.size(0) != b) {
            throw new IllegalStateException("LinearMemoryLayer stored state has batch " + m0.size(0)
                    + " but the input has batch " + b + ": call rnnClearPreviousState() between batches");
        }
        if (tape == null || !tape.fits(dataType, b, T)) {
            releaseTape();
            lease = TapePool.lease(this, dataType, (int) b, (int) T, (int) c.getNIn(), (int) c.getNH(), (int) c.getNOut());
            tape = lease.tape;
        }
        LmnTape tp = tape.use((int) T);
        int nH = tp.nH, nM = tp.nM, bi = tp.b;
        tp.weights.load(LinearMemoryParamInitializer.recurrentBlock(c, paramsFlattened),
                LinearMemoryParamInitializer.biasRow(c, paramsFlattened), params.get(W_XH));
        NativeMatrix whm = NativeMatrix.of(params.get(W_HM));
        IActivation act = c.getActivationFn();
        StepMask mask = StepMask.of(maskArray, bi, tp.T);

        Elements.ncwToTimeMajor(in, Elements.of(in), tp.sE, tp.xCol, tp.sw, tp.scratchB);
        if (m0 == null) {
            tp.mStep[0].assign(0);
        } else {
            tp.mStep[0].assign(m0);
        }
        for (int t = 1; t <= tp.T; t++) {
            NativeMatrix st = tp.sN.rows((long) t * bi, bi);
            gemm(stackedOperand(tp, t - 1, bi), false, tp.weights.n, false, st.cols(0, nH + nM), 0.0);
            activation(act, tp, t);
            gemm(tp.hN.rows((long) (t - 1) * bi, bi), false, whm, false, st.cols(nH, nM), 1.0);
            if (mask != null) {
                mask.zeroPaddedRows(t - 1, tp.sE, t * bi * tp.sw + nH, tp.sw, nM);
            }
            if (out != null) {
                Elements.copyRows(tp.sE, t * bi * tp.sw + nH, tp.sw, out, (t - 1) * bi * nM, nM, bi, nM);
            }
        }
        tapeInput = keepForBackprop ? input : null;
        tapeM0 = m0;
        return tp;
    }

    /**
     * Forward pass without backpropagation, from m_0 = 0: the recurrence of {@link #forward} with the
     * biases folded into the products ([x_t | 1] [Wxh; bh] and [h_t | 1] [Whm; bm]) and m_t written by
     * its GEMMs straight into the output, whose previous block is m_{t-1} for the next step:
     * <pre>
     *   z_t = [x_t | 1] [Wxh; bh] + m_{t-1} Wmh      m_t = m_{t-1} Wmm + [h_t | 1] [Whm; bm]      h_t = act(z_t)
     * </pre>
     * No tape, no bias prefill and no copy of m_t (which took 15% of an inference pass at batch 256):
     * memory is the output [T, b, nM] plus the input, instead of the tape's (T + 1) b (2 nH + 2 nM +
     * 2 nIn) values, so large inference batches fit (batch 256, T 784, size 128: 103 MB against 515 MB).
     * Equal to the training pass up to the order of float additions (tested).
     */
    private INDArray infer(LayerWorkspaceMgr workspaceMgr) {
        INDArray in = inputNcw();
        LinearMemoryLayer c = layerConf();
        int b = (int) in.size(0), T = (int) in.size(2), nH = (int) c.getNH(), nM = (int) c.getNOut();
        if (inference == null || !inference.fits(dataType, b, T)) {
            inference = new InferenceBuffers(dataType, b, T, (int) c.getNIn(), nH, nM);
        }
        tapeInput = null;
        tapeM0 = null;
        InferenceBuffers ib = inference;
        INDArray bias = LinearMemoryParamInitializer.biasRow(c, paramsFlattened);
        ib.load(in, params.get(W_XH), params.get(W_HM), bias);
        INDArray recurrent = LinearMemoryParamInitializer.recurrentBlock(c, paramsFlattened);
        NativeMatrix r = NativeMatrix.of(recurrent);
        NativeMatrix wmh = r.cols(0, nH), wmm = r.cols(nH, nM);
        INDArray timeMajor = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{T, b, nM}, 'c');
        INDArray out = timeMajor.reshape('c', (long) T * b, nM);
        NativeMatrix outN = NativeMatrix.of(out);
        Elements outE = Elements.of(out);
        IActivation act = c.getActivationFn();
        StepMask mask = StepMask.of(maskArray, b, T);
        if (recurrent.get(all(), interval(0, nH)).amaxNumber().doubleValue() == 0.0) {
            inferMemoryFree(ib, T, wmm, bias.get(all(), interval(nH, nH + nM)), out, outN, outE, act, mask);
            return permuteIfNWC(timeMajor.permute(1, 2, 0));
        }
        for (int t = 1; t <= T; t++) {
            NativeMatrix mt = outN.rows((long) (t - 1) * b, b);
            gemm(ib.xN.rows((long) (t - 1) * b, b), false, ib.wxhN, false, ib.zN, 0.0);
            if (t > 1) { // m_0 = 0
                NativeMatrix previous = outN.rows((long) (t - 2) * b, b);
                gemm(previous, false, wmh, false, ib.zN, 1.0);
                gemm(previous, false, wmm, false, mt, 0.0);
            }
            activation(act, dataType, ib.zE, 0, nH, ib.z, ib.hE, 0, nH + 1, ib.hView, b, nH, ib.scratch, ib.dense);
            gemm(ib.hN, false, ib.whmN, false, mt, t > 1 ? 1.0 : 0.0);
            if (mask != null) {
                mask.zeroPaddedRows(t - 1, outE, (t - 1) * b * nM, nM, nM);
            }
        }
        return permuteIfNWC(timeMajor.permute(1, 2, 0));
    }

    /**
     * {@link #infer} when Wmh = 0, as at the LAES start (docs/laes-math.md, "Initialising the LMN from the LAES": Wmh := 0, Whm := I):
     * z_t = [x_t | 1] [Wxh; bh] does not depend on the memory, so for a chunk of steps
     * ({@link InferenceBuffers.Chunks}) z and h = act(z) are one GEMM and one element pass, and the
     * recurrence keeps one [b x nM] by [nM x nM] product per step:
     * <pre>
     *   m_t = [h_t | 1] [Whm; bm] + m_{t-1} Wmm        (Whm = I: m_t = h_t + bm + m_{t-1} Wmm)
     * </pre>
     * With Whm = I (exactly; nH = nM) h is written straight into the output and bm added: one step product
     * of the general route's three. In FLOAT with tanh, bm is added inside the tanh loop (tiled,
     * {@link Elements#tanhFloat(Elements, int, int, Elements, int, int, int, int, float[], float[], float[])}):
     * ND4J's row-vector add over the output had cost 0.13-0.18 ms per sequence of T 784, a sixth of the route
     * (AMD EPYC). With another Whm, [h | 1] [Whm; bm] is one chunk GEMM (no faster per flop than the step
     * products at batch 256, measured): two of three. This is the pretraining job's
     * least-squares readout and every evaluation of a network at its LAES start. Equal to the general route
     * up to the order of float additions (tested; an exactly zero Wmh contributes exactly zero there).
     * A NaN in Wmh takes the general route.
     */
    private void inferMemoryFree(InferenceBuffers ib, int T, NativeMatrix wmm, INDArray bm, INDArray out, NativeMatrix outN,
            Elements outE, IActivation act, StepMask mask) {
        int b = ib.b, nH = ib.nH, nM = ib.nM;
        INDArray whm = params.get(W_HM);
        boolean identity = nH == nM && whm.sub(Nd4j.eye(nH).castTo(whm.dataType())).amaxNumber().doubleValue() == 0.0;
        InferenceBuffers.Chunks ch = ib.chunks();
        float[] fused = identity && act instanceof ActivationTanH && dataType == DataType.FLOAT ? ch.tile(bm) : null;
        for (int t0 = 0; t0 < T; t0 += ch.steps) {
            int steps = Math.min(ch.steps, T - t0), rows = steps * b;
            long r0 = (long) t0 * b;
            gemm(ib.xN.rows(r0, rows), false, ib.wxhN, false, ch.zN.rows(0, rows), 0.0);
            if (fused != null) { // Whm = I: m_t := tanh(z_t) + bm in one pass, before the step products
                Elements.tanhFloat(ch.zE, 0, nH, outE, (int) (r0 * nM), nM, rows, nH, ch.dense, ch.dense, fused);
            } else if (identity) {
                INDArray mRows = out.get(interval(r0, r0 + rows), all());
                activation(act, dataType, ch.zE, 0, nH, ch.z(rows), outE, (int) (r0 * nM), nM, mRows, rows, nH,
                        ch.dense, ch.dense);
                mRows.addiRowVector(bm);
            } else {
                activation(act, dataType, ch.zE, 0, nH, ch.z(rows), ch.hE, 0, nH + 1, ch.hView(rows), rows, nH,
                        ch.dense, ch.dense);
                gemm(ch.hN.rows(0, rows), false, ib.whmN, false, outN.rows(r0, rows), 0.0);
            }
            for (int t = t0 + 1; t <= t0 + steps; t++) {
                if (t > 1) { // m_0 = 0
                    gemm(outN.rows((long) (t - 2) * b, b), false, wmm, false, outN.rows((long) (t - 1) * b, b), 1.0);
                }
                if (mask != null) { // after m_{t-1} Wmm, which a padded row's reset drops
                    mask.zeroPaddedRows(t - 1, outE, (t - 1) * b * nM, nM, nM);
                }
            }
        }
    }

    /**
     * The memory sequence m_1..m_T of a forward pass from m0 (see {@link #forward}) as [b, nM, T] (or
     * NWC) in the activations workspace: a time-major [T, b, nM] array, filled step by step from the
     * tape, returned as its permuted view (DL4J's recurrent consumers accept any strides).
     */
    private INDArray output(INDArray m0, boolean keepForBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray in = inputNcw();
        INDArray timeMajor = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[]{in.size(2), in.size(0), layerConf().getNOut()}, 'c');
        forward(m0, keepForBackprop, Elements.of(timeMajor));
        return permuteIfNWC(timeMajor.permute(1, 2, 0));
    }

    /** h_t = act(z_t), out of place, for step t (1-based). */
    private static void activation(IActivation act, LmnTape tp, int t) {
        activation(act, tp.dataType, tp.sE, t * tp.b * tp.sw, tp.sw, tp.zStep[t], tp.hE, (t - 1) * tp.b * tp.nH, tp.nH,
                tp.hStep[t - 1], tp.b, tp.nH, tp.scratchA, tp.scratchB);
    }

    /**
     * h = act(z), out of place, over a [b x nH] block: z at {@code zStart + i * zLd + j} of {@code zE} (the
     * array {@code z}), h likewise; {@code scratch} and {@code dense} (FLOAT) as {@link Elements#tanhFloat} needs.
     */
    private static void activation(IActivation act, DataType dataType, Elements zE, int zStart, int zLd, INDArray z,
            Elements hE, int hStart, int hLd, INDArray h, int b, int nH, float[] scratch, float[] dense) {
        if (act instanceof ActivationTanH && dataType == DataType.FLOAT) {
            Elements.tanhFloat(zE, zStart, zLd, hE, hStart, hLd, b, nH, scratch, dense);
        } else if (act instanceof ActivationTanH) {
            Nd4j.getExecutioner().exec(new Tanh(z, h));
        } else {
            h.assign(z);
            if (!(act instanceof ActivationIdentity)) {
                act.getActivation(h, true);
            }
        }
    }

    /** dz_t := act'(z_t) * dh_t, where dh_t is in the dz block of step t (0-based). */
    private static void activationBackprop(IActivation act, LmnTape tp, int t) {
        INDArray dz = tp.dzStep[t];
        if (act instanceof ActivationTanH) { // tanh' = 1 - h^2
            int w = tp.nH + tp.nM;
            Elements.timesTanhDerivative(tp.dE, t * tp.b * w, w, tp.hE, t * tp.b * tp.nH, tp.nH, tp.b, tp.nH,
                    tp.scratchA, tp.scratchB);
        } else if (!(act instanceof ActivationIdentity)) {
            dz.assign(act.backprop(tp.zStep[t + 1], dz).getFirst()); // z_t is no longer needed
        }
    }

    private static INDArray detachedCopy(INDArray a) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return a.dup('c');
        }
    }
}
