package ai.laes.lmn;

import ai.laes.recurrent.Elements;
import ai.laes.recurrent.NativeMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Buffers of the LMN layer's inference pass (no backpropagation), outside any workspace, reused while the data type
 * and batch stay the same and T stays within the {@link #T} steps they were made for (a shorter pass uses their
 * first rows, as {@link LmnTape} does). The biases ride in the products as an extra row of weights
 * against a column of ones:
 * <pre>
 *   x   [T*b, nIn + 1]   [x_t | 1], time-major        wxh [nIn + 1, nH]   [Wxh; bh]
 *   h   [b,   nH + 1]    [h_t | 1], one step          whm [nH + 1, nM]    [Whm; bm]
 *   z   [b,   nH]        z_t, one step
 * </pre>
 */
final class InferenceBuffers {
    final DataType dataType;
    final int b, T, nIn, nH, nM;
    final INDArray x, wxh, whm, z, h;
    /** h_t without the ones column. */
    final INDArray hView;
    final NativeMatrix xN, wxhN, whmN, zN, hN;
    final Elements zE, hE;
    /** FLOAT: a [b x nH] block for the tanh loop and a step of an 'f'-ordered input for its conversion; null for DOUBLE. */
    final float[] scratch;
    /** FLOAT: the tanh loop's output block [b x nH]; null for DOUBLE. */
    final float[] dense;
    private final INDArray wxhTop, wxhBias, whmTop, whmBias;
    /** The memory-free route's buffers ({@link Chunks}), made on its first use. */
    private Chunks chunks;

    InferenceBuffers(DataType dataType, int b, int T, int nIn, int nH, int nM) {
        this.dataType = dataType;
        this.b = b;
        this.T = T;
        this.nIn = nIn;
        this.nH = nH;
        this.nM = nM;
        if ((long) T * b * (nIn + 1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("LinearMemoryLayer: batch " + b + " x T " + T + " x " + (nIn + 1)
                    + " exceeds the 2^31 elements its buffers index; use smaller minibatches");
        }
        scratch = dataType == DataType.FLOAT ? new float[Math.max(b * nH, b * nIn + nIn)] : null;
        dense = dataType == DataType.FLOAT ? new float[b * nH] : null;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            x = Nd4j.create(dataType, new long[]{(long) T * b, nIn + 1}, 'c');
            x.getColumn(nIn).assign(1);
            wxh = Nd4j.create(dataType, new long[]{nIn + 1, nH}, 'c');
            whm = Nd4j.create(dataType, new long[]{nH + 1, nM}, 'c');
            z = Nd4j.create(dataType, new long[]{b, nH}, 'c');
            h = Nd4j.create(dataType, new long[]{b, nH + 1}, 'c');
            h.getColumn(nH).assign(1);
            hView = h.get(all(), interval(0, nH));
            wxhTop = wxh.get(interval(0, nIn), all());
            wxhBias = wxh.get(interval(nIn, nIn + 1), all());
            whmTop = whm.get(interval(0, nH), all());
            whmBias = whm.get(interval(nH, nH + 1), all());
        }
        xN = NativeMatrix.of(x);
        wxhN = NativeMatrix.of(wxh);
        whmN = NativeMatrix.of(whm);
        zN = NativeMatrix.of(z);
        hN = NativeMatrix.of(h);
        zE = Elements.of(z);
        hE = Elements.of(h);
    }

    /** The memory-free route's buffers for this shape, made on first use. */
    Chunks chunks() {
        if (chunks == null) {
            chunks = new Chunks(this);
        }
        return chunks;
    }

    /**
     * Buffers of the memory-free route (Wmh = 0: z_t does not depend on m_{t-1}): z and [h | 1] for
     * {@link #steps} steps at once, time-major, about {@link #ROWS} rows (steps x batch): z and h take
     * 0.5 MB each at size 128 in float, so they stay in a core's L2 cache between the chunk's GEMM and its
     * element pass (with 4096 rows, 2 MB each, the chunk's input GEMM cost three times the per-step one).
     */
    static final class Chunks {
        static final int ROWS = 1024;
        final int steps, nH;
        final INDArray z, h, hView;
        final NativeMatrix zN, hN;
        final Elements zE, hE;
        /** FLOAT: the tanh loop's block [steps * b x nH]; null for DOUBLE. */
        final float[] dense;
        /** FLOAT: a row vector tiled over a block like {@link #dense}, made by the first {@link #tile}. */
        private float[] tiled;

        private Chunks(InferenceBuffers ib) {
            steps = Math.max(1, Math.min(ib.T, ROWS / ib.b));
            nH = ib.nH;
            long rows = (long) steps * ib.b;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                z = Nd4j.create(ib.dataType, new long[]{rows, nH}, 'c');
                h = Nd4j.create(ib.dataType, new long[]{rows, nH + 1}, 'c');
                h.getColumn(nH).assign(1);
                hView = h.get(all(), interval(0, nH));
            }
            zN = NativeMatrix.of(z);
            hN = NativeMatrix.of(h);
            zE = Elements.of(z);
            hE = Elements.of(h);
            dense = ib.dataType == DataType.FLOAT ? new float[(int) rows * nH] : null;
        }

        /** {@link #tiled} := the [1 x nH] row {@code v} repeated down every row; returns it. */
        float[] tile(INDArray v) {
            if (tiled == null) {
                tiled = new float[dense.length];
            }
            float[] row = v.castTo(DataType.FLOAT).toFloatVector();
            for (int i = 0; i < tiled.length; i += nH) {
                System.arraycopy(row, 0, tiled, i, nH);
            }
            return tiled;
        }

        /** z of the first {@code rows} rows. */
        INDArray z(int rows) {
            return rows == z.rows() ? z : z.get(interval(0, rows), all());
        }

        /** h (without the ones column) of the first {@code rows} rows. */
        INDArray hView(int rows) {
            return rows == h.rows() ? hView : h.get(interval(0, rows), interval(0, nH));
        }
    }

    /** Whether a pass of this data type, batch and length (up to {@link #T} steps) can run on these buffers. */
    boolean fits(DataType dataType, int b, int T) {
        return this.dataType == dataType && this.b == b && this.T >= T;
    }

    /** Takes the input [b, nIn, T'] (T' &lt;= T; time-major into x's first rows) and the current weights Wxh, Whm and bias row [bh | bm]. */
    void load(INDArray ncw, INDArray wxhWeights, INDArray whmWeights, INDArray biasRow) {
        Elements.ncwToTimeMajor(ncw, Elements.of(ncw), Elements.of(x), 0, nIn + 1, scratch);
        wxhTop.assign(wxhWeights);
        whmTop.assign(whmWeights);
        wxhBias.assign(biasRow.get(all(), interval(0, nH)));
        whmBias.assign(biasRow.get(all(), interval(nH, nH + nM)));
    }
}
