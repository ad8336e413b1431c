package ai.laes.lmn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Preallocated time-major buffers of one LMN forward/backward pass, outside any workspace, reused
 * while (data type, batch, T) stay the same, and by the next layer of the same shape once the
 * layer holding it is gone ({@link TapePool}). Rows are (time, example) pairs, so every per-step block
 * is a contiguous [b x n] slice and every "all steps" quantity is one [T*b x n] matrix for one GEMM.
 * <pre>
 *   x  [T*b,     nIn]       inputs x_1..x_T
 *   s  [(T+1)*b, nH + nM]   block 0: [0 | m_0];  block t: [z_t | m_t]   (z_t = pre-activation of h_t)
 *   h  [T*b,     nH]        h_1..h_T
 *   d  [T*b,     nH + nM]   block t-1: [dL/dz_t | dL/dm_t]   (m_t before masking)
 *   dx [T*b,     nIn]       dL/dx_1..dL/dx_T
 * </pre>
 * Per-step views are created once here, since creating a view costs as much as a small op; GEMMs go
 * through {@link NativeMatrix} blocks of the same buffers.
 */
final class LmnTape {
    final DataType dataType;
    final int b, T, nIn, nH, nM;
    final INDArray x, s, h, d, dx;
    /** A row of T*b ones: column sums as one GEMM. */
    final INDArray ones;
    /** Per step t = 0..T: the block of s, its z part and its m part. */
    final INDArray[] sStep, zStep, mStep;
    /** Per step t = 1..T at index t-1: h_t, the d block, its dz part and its dm part. */
    final INDArray[] hStep, dStep, dzStep, dmStep;
    /** Rows of steps 1..T of s. */
    final INDArray sIn;
    /** The same buffers for direct BLAS calls. */
    final NativeMatrix xN, sN, hN, dN, dxN;
    /** Java element access for the NCW conversions. */
    final Elements xE, sE, hE, dE, dxE;
    final NativeMatrix onesN;
    /**
     * Java scratch for the FLOAT element loops, null for DOUBLE: one step's [b x (nH + nM)] block plus
     * a row (the epsilon conversion); the tanh loops use a row of it.
     */
    final float[] scratchA, scratchB;

    LmnTape(DataType dataType, int b, int T, int nIn, int nH, int nM) {
        this.dataType = dataType;
        this.b = b;
        this.T = T;
        this.nIn = nIn;
        this.nH = nH;
        this.nM = nM;
        int w = nH + nM;
        if ((long) (T + 1) * b * Math.max(w, nIn) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("LinearMemoryLayer: batch " + b + " x T " + T + " x " + w
                    + " exceeds the 2^31 elements its buffers index; use smaller minibatches");
        }
        scratchA = dataType == DataType.FLOAT ? new float[b * w + w] : null;
        scratchB = dataType == DataType.FLOAT ? new float[b * w + w] : null;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            x = Nd4j.create(dataType, new long[]{(long) T * b, nIn}, 'c');
            s = Nd4j.create(dataType, new long[]{(long) (T + 1) * b, w}, 'c');
            h = Nd4j.create(dataType, new long[]{(long) T * b, nH}, 'c');
            d = Nd4j.create(dataType, new long[]{(long) T * b, w}, 'c');
            dx = Nd4j.create(dataType, new long[]{(long) T * b, nIn}, 'c');
            ones = Nd4j.ones(dataType, 1, (long) T * b);
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
            long tb = (long) T * b;
            sIn = s.get(interval(b, tb + b), all());
            xN = NativeMatrix.of(x);
            sN = NativeMatrix.of(s);
            hN = NativeMatrix.of(h);
            dN = NativeMatrix.of(d);
            dxN = NativeMatrix.of(dx);
            xE = Elements.of(x);
            sE = Elements.of(s);
            dE = Elements.of(d);
            hE = Elements.of(h);
            onesN = NativeMatrix.of(ones);
            dxE = Elements.of(dx);
        }
    }

    boolean fits(DataType dataType, long b, long T) {
        return this.dataType == dataType && this.b == b && this.T == T;
    }

    private static INDArray rows(INDArray a, int block, int b) {
        return a.get(interval((long) block * b, (long) (block + 1) * b), all());
    }
}
