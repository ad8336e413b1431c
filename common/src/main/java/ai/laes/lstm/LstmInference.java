package ai.laes.lstm;

import ai.laes.recurrent.Elements;
import ai.laes.recurrent.NativeMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Buffers of a tape-free LSTM forward pass, reused while the data type and batch stay the same and T stays within
 * the {@link #T} steps they were made for (a shorter pass uses x's first rows): the time-major
 * input x [T*b, nIn], one step's gates [b, 4n] and the cell state c [b, n] (overwritten in place); h_t is
 * written straight into the output. Memory is the output plus the input, against the tape's ~7 values per
 * output value, so large inference batches fit.
 */
final class LstmInference {
    final DataType dataType;
    final int b, T;
    final INDArray x, gates, c;
    final NativeMatrix xN, gatesN;
    final Elements xE, gatesE, cE;
    final LstmKernel kernel;

    LstmInference(DataType dataType, int b, int T, int nIn, int n) {
        this.dataType = dataType;
        this.b = b;
        this.T = T;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            x = Nd4j.create(dataType, new long[]{(long) T * b, nIn}, 'c');
            gates = Nd4j.create(dataType, new long[]{b, 4L * n}, 'c');
            c = Nd4j.create(dataType, new long[]{b, n}, 'c');
        }
        xN = NativeMatrix.of(x);
        gatesN = NativeMatrix.of(gates);
        xE = Elements.of(x);
        gatesE = Elements.of(gates);
        cE = Elements.of(c);
        kernel = LstmKernel.of(dataType, b, n);
    }

    /** Whether a pass of this data type, batch and length (up to {@link #T} steps) can run on these buffers. */
    boolean fits(DataType dataType, long b, long T) {
        return this.dataType == dataType && this.b == b && this.T >= T;
    }
}
