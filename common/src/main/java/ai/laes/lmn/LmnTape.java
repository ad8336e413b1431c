package ai.laes.lmn;

import ai.laes.recurrent.Elements;
import ai.laes.recurrent.NativeMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Preallocated time-major buffers of one LMN forward/backward pass, outside any workspace, reused
 * while (data type, batch, T) stay the same, and by the next layer of the same shape once the
 * layer holding it is gone ({@link TapePool}). Rows are (time, example) pairs, so every per-step block
 * is a contiguous [b x n] slice and every "all steps" quantity is one [T*b x n] matrix for one GEMM.
 * <pre>
 *   s  [(T+1)*b, nH + nM + 1 + nIn]   block t: [z_t | m_t | 1 | x_{t+1}]   (z_0 unused, x_{T+1} = 0)
 *   h  [T*b,     nH]                  h_1..h_T
 *   d  [T*b,     nH + nM]             block t-1: [dL/dz_t | dL/dm_t]   (m_t before masking)
 *   dx [T*b,     nIn]                 dL/dx_1..dL/dx_T
 * </pre>
 * The columns [m_t | 1 | x_{t+1}] of block t are the left operand of step t+1's GEMM against the
 * stacked weights {@link #weights} = [R; c; Wxh | 0], so one GEMM per step yields [z_{t+1} | m_{t+1}]
 * without a bias or input pass over the whole tape, and in the backward pass one GEMM of the same
 * columns against d yields the stacked gradient {@link #gradients} = [dR; dc; dWxh | *].
 * Per-step views are created once here, since creating a view costs as much as a small op; GEMMs go
 * through {@link NativeMatrix} blocks of the same buffers.
 * <p>
 * The buffers hold {@link #capacity} steps; a pass of T &lt;= capacity steps ({@link #use}) runs on their first
 * blocks, so minibatches of varying length (length-grouped, end-aligned batches) keep one tape of their longest
 * length instead of a new one per length: 64 new tapes, one per batch of 32 at sizes 128 / 128 and T 10..384, cost
 * 0.21-0.37 s of CPU, about a fifth of that epoch's fit steps (PaddingBenchmark's setting, measured). Rows past
 * step T keep an earlier pass's values and are never read; block T's x part (x_{T+1}) is never read either.
 */
final class LmnTape {
    final DataType dataType;
    final int b, capacity, nIn, nH, nM;
    /** Steps of the current pass (at most {@link #capacity}), set by {@link #use}. */
    int T;
    /** Width of s, and the first column of its [m | 1 | x] operand (= nH) and of x (= nH + nM + 1). */
    final int sw, xCol;
    final INDArray s, h, d, dx;
    /** Per step t = 0..capacity: the block of s, its z part and its m part. */
    final INDArray[] sStep, zStep, mStep;
    /** Per step t = 1..capacity at index t-1: h_t, the d block, its dz part and its dm part. */
    final INDArray[] hStep, dStep, dzStep, dmStep;
    /** The same buffers for direct BLAS calls. */
    final NativeMatrix sN, hN, dN, dxN;
    /** Java element access for the NCW conversions. */
    final Elements sE, hE, dE, dxE;
    /** [R; c; Wxh | 0], the weights of the step GEMM, and [dR; dc; dWxh | *], the gradient of the same stack. */
    final Stacked weights, gradients;
    /**
     * Java scratch for the FLOAT element loops, null for DOUBLE: each holds a step's block of s (the
     * span of its rows) plus a dense [b x max(nH, nM)] block, and one step of an epsilon plus a row.
     */
    final float[] scratchA, scratchB;
    /** b * nM zeros, which an epsilon step is compared with (FLOAT; null for DOUBLE). */
    final FloatBuffer zeros;

    LmnTape(DataType dataType, int b, int T, int nIn, int nH, int nM) {
        this.dataType = dataType;
        this.b = b;
        this.capacity = T;
        this.T = T;
        this.nIn = nIn;
        this.nH = nH;
        this.nM = nM;
        int w = nH + nM;
        sw = w + 1 + nIn;
        xCol = w + 1;
        if ((long) (T + 1) * b * sw > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("LinearMemoryLayer: batch " + b + " x T " + T + " x " + sw
                    + " exceeds the 2^31 elements its buffers index; use smaller minibatches");
        }
        int scratch = b * sw + b * Math.max(nH, nM) + w;
        scratchA = dataType == DataType.FLOAT ? new float[scratch] : null;
        scratchB = dataType == DataType.FLOAT ? new float[scratch] : null;
        zeros = dataType == DataType.FLOAT ? FloatBuffer.wrap(new float[b * nM]) : null;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            s = Nd4j.create(dataType, new long[]{(long) (T + 1) * b, sw}, 'c');
            s.getColumn(w).assign(1);
            h = Nd4j.create(dataType, new long[]{(long) T * b, nH}, 'c');
            d = Nd4j.create(dataType, new long[]{(long) T * b, w}, 'c');
            dx = Nd4j.create(dataType, new long[]{(long) T * b, nIn}, 'c');
            sStep = new INDArray[T + 1];
            zStep = new INDArray[T + 1];
            mStep = new INDArray[T + 1];
            for (int t = 0; t <= T; t++) {
                sStep[t] = rows(s, t, b);
                zStep[t] = sStep[t].get(all(), interval(0, nH));
                mStep[t] = sStep[t].get(all(), interval(nH, w));
            }
            hStep = new INDArray[T];
            dStep = new INDArray[T];
            dzStep = new INDArray[T];
            dmStep = new INDArray[T];
            for (int t = 0; t < T; t++) {
                hStep[t] = rows(h, t, b);
                dStep[t] = rows(d, t, b);
                dzStep[t] = dStep[t].get(all(), interval(0, nH));
                dmStep[t] = dStep[t].get(all(), interval(nH, w));
            }
            weights = new Stacked(dataType, nIn, nH, nM);
            gradients = new Stacked(dataType, nIn, nH, nM);
            sN = NativeMatrix.of(s);
            hN = NativeMatrix.of(h);
            dN = NativeMatrix.of(d);
            dxN = NativeMatrix.of(dx);
            sE = Elements.of(s);
            dE = Elements.of(d);
            hE = Elements.of(h);
            dxE = Elements.of(dx);
        }
    }

    /** Whether a pass of this data type, batch and length can run on this tape (T up to {@link #capacity}). */
    boolean fits(DataType dataType, long b, long T) {
        return this.dataType == dataType && this.b == b && this.capacity >= T;
    }

    /** Sets the current pass's length T (at most {@link #capacity}); returns this tape. */
    LmnTape use(int steps) {
        if (steps > capacity) {
            throw new IllegalArgumentException("LmnTape: " + steps + " steps exceed its capacity " + capacity);
        }
        T = steps;
        return this;
    }

    /**
     * A stacked [nM + 1 + nIn, nH + nM] matrix [R; c; Wxh | 0] (R = [Wmh | Wmm], c = [bh | bm]), with
     * views of its three parts; the block under Wxh stays zero for the weights.
     */
    static final class Stacked {
        final INDArray all, r, bias, wxh;
        final NativeMatrix n;

        private Stacked(DataType dataType, int nIn, int nH, int nM) {
            all = Nd4j.create(dataType, new long[]{nM + 1 + nIn, nH + nM}, 'c');
            r = all.get(interval(0, nM), all());
            bias = all.get(interval(nM, nM + 1), all());
            wxh = all.get(interval(nM + 1, nM + 1 + nIn), interval(0, nH));
            n = NativeMatrix.of(all);
        }

        /** Copies R, c and Wxh in (any order) from their parameter arrays. */
        void load(INDArray rFrom, INDArray biasFrom, INDArray wxhFrom) {
            r.assign(rFrom);
            bias.assign(biasFrom);
            wxh.assign(wxhFrom);
        }

        /** Copies the R, c and Wxh parts out to their (gradient) arrays. */
        void store(INDArray rTo, INDArray biasTo, INDArray wxhTo) {
            rTo.assign(r);
            biasTo.assign(bias);
            wxhTo.assign(wxh);
        }
    }

    private static INDArray rows(INDArray a, int block, int b) {
        return a.get(interval((long) block * b, (long) (block + 1) * b), all());
    }
}
