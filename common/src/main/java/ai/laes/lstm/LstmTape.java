package ai.laes.lstm;

import ai.laes.recurrent.Elements;
import ai.laes.recurrent.NativeMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.WeakReference;

/**
 * Preallocated time-major buffers of one LSTM forward/backward pass, outside any workspace, reused while
 * (data type, batch, T) stay the same. Rows are (time, example) pairs, so every step is a contiguous
 * [b x width] block and every "all steps" quantity one [T*b x width] matrix for one GEMM:
 * <pre>
 *   x     [T*b,     nIn]   x_1..x_T
 *   gates [T*b,     4n]    block t-1: x_t W + h_{t-1} RW, then the gate activations [g | f | o | i], then dL/da_t
 *   c     [(T+1)*b, n]     c_0 = 0, c_1..c_T
 *   h     [(T+1)*b, n]     h_0 = 0, h_1..h_T
 *   dh    [T*b,     n]     block t-1: dL/dh_t (the epsilon from above, then plus dL/da_{t+1} RW^T)
 *   dx    [T*b,     nIn]   dL/dx_1..dL/dx_T
 * </pre>
 * For sMNIST (T 784, batch 64, n 128) about 180 MB in FLOAT, most of it the gates. So one tape per thread,
 * handed to whichever layer runs a training forward pass on that thread ({@link #forThread}): parameter averaging
 * builds a fresh network on every worker every round, and a tape per network would leave hundreds of MB of native
 * memory to the garbage collector each round. The tape records its {@link #owner}; a backward pass reuses the
 * tape only if its layer is still the owner, and otherwise runs the forward pass again.
 * <p>
 * The buffers hold {@link #capacity} steps; a pass of T &lt;= capacity steps ({@link #forThread} sets {@link #T}) runs
 * on their first rows, so minibatches of varying length keep one tape of the longest length seen instead of a new
 * one per length (as the LMN's tape). Rows past step T keep an earlier pass's values and are never read; blocks 0
 * of c and h (c_0 = h_0 = 0) are never written.
 */
final class LstmTape {
    private static final ThreadLocal<LstmTape> THREAD = new ThreadLocal<>();

    final DataType dataType;
    final int b, capacity, nIn, n;
    /** Steps of the current pass (at most {@link #capacity}). */
    int T;
    final INDArray x, gates, c, h, dh, dx, ones;
    final NativeMatrix xN, gatesN, hN, dhN, dxN, onesN;
    final Elements xE, gatesE, cE, hE, dhE, dxE;
    /** FLOAT scratch of the epsilon conversion (one step of an 'f'-order epsilon plus a row), null for DOUBLE. */
    final float[] scratch;
    final LstmKernel kernel;
    /** The layer whose forward pass the tape holds now (weakly: a finished network stays collectable). */
    private WeakReference<Object> owner = new WeakReference<>(null);

    LstmTape(DataType dataType, int b, int T, int nIn, int n) {
        this.dataType = dataType;
        this.b = b;
        this.capacity = T;
        this.T = T;
        this.nIn = nIn;
        this.n = n;
        if ((long) (T + 1) * b * Math.max(4 * n, nIn) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("LstmLayer: batch " + b + " x T " + T + " x 4n " + 4 * n
                    + " exceeds the 2^31 elements its buffers index; use smaller minibatches");
        }
        long tb = (long) T * b;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            x = Nd4j.create(dataType, new long[]{tb, nIn}, 'c');
            gates = Nd4j.create(dataType, new long[]{tb, 4L * n}, 'c');
            c = Nd4j.create(dataType, new long[]{tb + b, n}, 'c');
            h = Nd4j.create(dataType, new long[]{tb + b, n}, 'c');
            dh = Nd4j.create(dataType, new long[]{tb, n}, 'c');
            dx = Nd4j.create(dataType, new long[]{tb, nIn}, 'c');
            ones = Nd4j.ones(dataType, 1, tb); // c and h are zero-filled: blocks 0 (c_0 = h_0 = 0) are never written
        }
        xN = NativeMatrix.of(x);
        gatesN = NativeMatrix.of(gates);
        hN = NativeMatrix.of(h);
        dhN = NativeMatrix.of(dh);
        dxN = NativeMatrix.of(dx);
        onesN = NativeMatrix.of(ones);
        xE = Elements.of(x);
        gatesE = Elements.of(gates);
        cE = Elements.of(c);
        hE = Elements.of(h);
        dhE = Elements.of(dh);
        dxE = Elements.of(dx);
        scratch = dataType == DataType.FLOAT ? new float[b * Math.max(n, nIn) + Math.max(n, nIn)] : null;
        kernel = LstmKernel.of(dataType, b, n);
    }

    /** This thread's tape for a pass of T steps, replaced by a new one when the batch or sizes differ or T exceeds its capacity. */
    static LstmTape forThread(DataType dataType, int b, int T, int nIn, int n) {
        LstmTape tape = THREAD.get();
        if (tape == null || !tape.fits(dataType, b, T) || tape.nIn != nIn || tape.n != n) {
            THREAD.remove(); // let the old buffers go before the new ones are allocated
            tape = new LstmTape(dataType, b, T, nIn, n);
            THREAD.set(tape);
        }
        tape.T = T;
        return tape;
    }

    /** This thread's tape if {@code layer} owns it, else null. */
    static LstmTape ownedBy(Object layer) {
        LstmTape tape = THREAD.get();
        return tape != null && tape.owner.get() == layer ? tape : null;
    }

    void setOwner(Object layer) {
        owner = new WeakReference<>(layer);
    }

    /** Whether a pass of this data type, batch and length (up to {@link #capacity} steps) can run on this tape. */
    boolean fits(DataType dataType, long b, long T) {
        return this.dataType == dataType && this.b == b && this.capacity >= T;
    }
}
