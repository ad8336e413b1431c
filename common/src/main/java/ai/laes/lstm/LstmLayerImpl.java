package ai.laes.lstm;

import ai.laes.recurrent.Elements;
import ai.laes.recurrent.NativeMatrix;
import ai.laes.recurrent.StepMask;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static ai.laes.recurrent.NativeMatrix.gemm;
import static ai.laes.lstm.LstmParamInitializer.B;
import static ai.laes.lstm.LstmParamInitializer.RW;
import static ai.laes.lstm.LstmParamInitializer.W;

/**
 * Forward pass and backpropagation through time of {@link LstmLayer}, written for speed on time-major
 * buffers ({@link LstmTape}) with direct BLAS calls ({@link NativeMatrix}). With A the stacked gate
 * pre-activations and dA their gradients over all T*b rows:
 * <pre>
 *   A = X W                                  one GEMM [T*b, nIn] x [nIn, 4n] for all steps
 *   A_t += h_{t-1} RW                        one GEMM [b, n] x [n, 4n] per step (none at t = 1: h_0 = 0)
 *   gates, c_t, h_t                          one fused element pass per step ({@link LstmKernel}, adds b)
 * backward, t = T..1:
 *   dh_t = eps_t + dA_{t+1} RW^T             one GEMM [b, 4n] x [4n, n] per step
 *   dA_t, carry                              one fused element pass per step
 * then, once:
 *   dW = X^T dA   dRW = [h_0..h_{T-1}]^T dA   db = 1^T dA   dL/dX = dA W^T
 * </pre>
 * DL4J's LSTM instead runs about a dozen ND4J ops per step forward and more backward (tens of microseconds
 * each), and its weight gradients per step: about 5x its GEMM floor at sMNIST size.
 * <p>
 * A training forward pass fills this thread's tape ({@link LstmTape#forThread}); the backward pass that follows
 * reuses it (DL4J calls activate(training) and then backpropGradient on the same input) unless another layer has
 * used the tape in between, in which case the forward pass runs again. Inference ({@code training == false})
 * records no tape.
 * <p>
 * Masks (variable lengths), as DL4J's LSTM and our LMN ({@link StepMask}): at a padded step h_t = c_t = 0, the
 * initial state, so the next real step starts from it as a sequence's first step does (with padding at the start,
 * the recurrent GEMM of that step adds exactly 0 RW); a padded step passes no gradient (dL/da_t = 0, so nothing to
 * dh_{t-1} or dc_{t-1}, to W, RW, b or dL/dx_t, which is exactly 0). A sequence in an end-aligned (left-padded)
 * batch thus gets the outputs and gradients it gets alone (tested). Without a mask the kernel checks one null per
 * row; with one, one flag per row and step.
 * <p>
 * Not supported, each refused with an {@link UnsupportedOperationException}: rnnTimeStep / stored state, truncated
 * BPTT. Weight noise and dropout on this layer's input are not applied.
 */
public class LstmLayerImpl extends BaseRecurrentLayer<LstmLayer> {
    /** The input this thread's tape holds a complete training forward pass for, if this layer still owns it (null: none). */
    private transient INDArray tapeInput;
    private transient LstmInference inference;

    public LstmLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return training ? output(forward(), workspaceMgr) : infer(workspaceMgr);
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("LstmLayer does not support rnnTimeStep (stored state); use DL4J's LSTM");
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
            LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("LstmLayer does not support truncated BPTT / stored state; use DL4J's LSTM");
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return tbpttBackpropGradient(epsilon, -1, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
            LayerWorkspaceMgr workspaceMgr) {
        if (tbpttBackLength > 0) {
            throw new UnsupportedOperationException("LstmLayer does not support truncated BPTT; use DL4J's LSTM");
        }
        assertInputSet(true);
        LstmTape owned = LstmTape.ownedBy(this);
        LstmTape tp = (owned != null && tapeInput == input) ? owned : forward();
        tapeInput = null; // the backward pass overwrites the gates
        int T = tp.T, b = tp.b, n = tp.n;
        INDArray eps = permuteIfNWC(epsilon);
        Elements.ncwToTimeMajor(eps, Elements.of(eps), tp.dhE, 0, n, tp.scratch);
        backwardThroughTime(tp, NativeMatrix.of(params.get(RW)), StepMask.of(maskArray, b, T));
        weightGradients(tp);
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[]{b, tp.nIn, T}, 'f');
        Elements.timeMajorToNcw(tp.dxE, 0, tp.nIn, epsOut, Elements.of(epsOut));
        Gradient grad = new DefaultGradient(gradientsFlattened);
        for (String key : LstmParamInitializer.getInstance().paramKeys(layerConf())) {
            grad.gradientForVariable().put(key, gradientViews.get(key));
        }
        return new Pair<>(grad, permuteIfNWC(epsOut));
    }

    @Override
    public void clear() {
        super.clear();
        tapeInput = null;
    }

    /** Whether this thread's tape holds this layer's last training forward pass, for the tests. */
    boolean holdsTape() {
        return LstmTape.ownedBy(this) != null;
    }

    /** dL/dh_t += dA_{t+1} RW^T and the fused gate backward, t = T..1; leaves dA in the tape's gates. */
    private static void backwardThroughTime(LstmTape tp, NativeMatrix rw, StepMask mask) {
        int b = tp.b, n = tp.n, w = 4 * n;
        tp.kernel.resetCarry();
        for (int t = tp.T; t >= 1; t--) {
            long row = (long) (t - 1) * b;
            if (t < tp.T) {
                gemm(tp.gatesN.rows(row + b, b), false, rw, true, tp.dhN.rows(row, b), 1.0);
            }
            tp.kernel.backward(tp.gatesE, (int) row * w, tp.cE, (int) row * n, (int) (row + b) * n, tp.dhE, (int) row * n,
                    mask, t - 1);
        }
    }

    /** dW = X^T dA, dRW = [h_0..h_{T-1}]^T dA, db = 1^T dA (into the gradient views), dL/dX = dA W^T: one GEMM each. */
    private void weightGradients(LstmTape tp) {
        int tb = tp.T * tp.b;
        NativeMatrix dA = tp.gatesN.rows(0, tb);
        gemm(tp.xN.rows(0, tb), true, dA, false, NativeMatrix.of(gradientViews.get(W)), 0.0);
        gemm(tp.hN.rows(0, tb), true, dA, false, NativeMatrix.of(gradientViews.get(RW)), 0.0);
        gemm(tp.onesN.cols(0, tb), false, dA, false, NativeMatrix.of(gradientViews.get(B)), 0.0);
        gemm(dA, false, NativeMatrix.of(params.get(W)), true, tp.dxN.rows(0, tb), 0.0);
    }

    /** The training forward pass over the current input, from h_0 = c_0 = 0, into the tape. */
    private LstmTape forward() {
        INDArray in = inputNcw();
        int b = (int) in.size(0), T = (int) in.size(2), n = (int) layerConf().getNOut();
        LstmTape tp = LstmTape.forThread(dataType, b, T, (int) layerConf().getNIn(), n);
        tp.setOwner(this);
        Elements.ncwToTimeMajor(in, Elements.of(in), tp.xE, 0, tp.nIn, null);
        gemm(tp.xN.rows(0, T * b), false, NativeMatrix.of(params.get(W)), false, tp.gatesN.rows(0, T * b), 0.0);
        NativeMatrix rw = NativeMatrix.of(params.get(RW));
        tp.kernel.bias(Elements.of(params.get(B)));
        StepMask mask = StepMask.of(maskArray, b, T);
        int w = 4 * n;
        for (int t = 1; t <= T; t++) {
            long row = (long) (t - 1) * b;
            if (t > 1) {
                gemm(tp.hN.rows(row, b), false, rw, false, tp.gatesN.rows(row, b), 1.0);
            }
            tp.kernel.forward(tp.gatesE, (int) row * w, true, tp.cE, (int) row * n, (int) (row + b) * n,
                    tp.hE, (int) (row + b) * n, mask, t - 1);
        }
        tapeInput = input;
        return tp;
    }

    /**
     * Forward pass without a tape ({@link LstmInference}): per step the input GEMM [b, nIn] x [nIn, 4n], the
     * recurrent GEMM from h_{t-1} (the previous block of the output), and the fused kernel writing h_t into
     * the output's block t. Equal to the training pass (same operations in the same order; tested).
     */
    private INDArray infer(LayerWorkspaceMgr workspaceMgr) {
        INDArray in = inputNcw();
        int b = (int) in.size(0), T = (int) in.size(2), n = (int) layerConf().getNOut();
        if (inference == null || !inference.fits(dataType, b, T)) {
            inference = new LstmInference(dataType, b, T, (int) layerConf().getNIn(), n);
        }
        tapeInput = null;
        LstmInference ib = inference;
        Elements.ncwToTimeMajor(in, Elements.of(in), ib.xE, 0, (int) layerConf().getNIn(), null);
        ib.c.assign(0);
        ib.kernel.bias(Elements.of(params.get(B)));
        NativeMatrix w = NativeMatrix.of(params.get(W)), rw = NativeMatrix.of(params.get(RW));
        INDArray timeMajor = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{T, b, n}, 'c');
        NativeMatrix outN = NativeMatrix.of(timeMajor.reshape('c', (long) T * b, n));
        Elements outE = Elements.of(timeMajor);
        StepMask mask = StepMask.of(maskArray, b, T);
        for (int t = 1; t <= T; t++) {
            long row = (long) (t - 1) * b;
            gemm(ib.xN.rows(row, b), false, w, false, ib.gatesN, 0.0);
            if (t > 1) {
                gemm(outN.rows(row - b, b), false, rw, false, ib.gatesN, 1.0);
            }
            ib.kernel.forward(ib.gatesE, 0, false, ib.cE, 0, 0, outE, (int) row * n, mask, t - 1);
        }
        return permuteIfNWC(timeMajor.permute(1, 2, 0));
    }

    /** h_1..h_T as [b, n, T] (or NWC): a time-major copy of the tape's h in the activations workspace, permuted. */
    private INDArray output(LstmTape tp, LayerWorkspaceMgr workspaceMgr) {
        INDArray timeMajor = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[]{tp.T, tp.b, tp.n}, 'c');
        int len = tp.T * tp.b * tp.n;
        Elements.copyRows(tp.hE, tp.b * tp.n, len, Elements.of(timeMajor), 0, len, 1, len);
        return permuteIfNWC(timeMajor.permute(1, 2, 0));
    }

    /** The current input as [b, nIn, T] in this layer's data type. */
    private INDArray inputNcw() {
        assertInputSet(false);
        INDArray in = permuteIfNWC(input.castTo(dataType));
        if (in.rank() != 3) {
            throw new IllegalStateException("LstmLayer expects rank 3 input [batch, nIn, T], got " + Arrays.toString(in.shape()));
        }
        return in;
    }
}
