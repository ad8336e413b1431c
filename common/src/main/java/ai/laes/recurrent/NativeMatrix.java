package ai.laes.recurrent;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * A matrix inside an ND4J buffer, given by its address, shape and leading dimension, multiplied with
 * the OpenBLAS that ND4J itself links (ND4J's CpuLevel3 calls the same cblas functions). One call costs
 * about a microsecond of overhead instead of the tens of microseconds of an ND4J custom op, which
 * matters for the 3 + 3 small GEMMs per time step. Element (r, c) lives at
 * {@code offset + r * ld + c} (row-major) or {@code offset + c * ld + r} (column-major).
 */
public final class NativeMatrix {
    final DataType dataType;
    final Pointer base;
    final long offset;
    final int rows, cols, ld;
    final boolean colMajor;

    private NativeMatrix(DataType dataType, Pointer base, long offset, int rows, int cols, int ld, boolean colMajor) {
        this.dataType = dataType;
        this.base = base;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.ld = ld;
        this.colMajor = colMajor;
    }

    /** A 2-d array (or view) whose rows or columns are unit-stride. */
    public static NativeMatrix of(INDArray a) {
        if (a.rank() != 2) {
            throw new IllegalArgumentException("NativeMatrix needs a 2-d array, got shape " + java.util.Arrays.toString(a.shape()));
        }
        DataType dt = a.dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalArgumentException("NativeMatrix supports FLOAT and DOUBLE, got " + dt);
        }
        int rows = (int) a.rows(), cols = (int) a.columns();
        long s0 = a.stride(0), s1 = a.stride(1);
        Pointer p = a.data().addressPointer(); // includes the view's offset
        if (rows == 1 || (s1 == 1 && s0 >= cols)) {
            return new NativeMatrix(dt, p, 0, rows, cols, (int) Math.max(s0, cols), false);
        }
        if (cols == 1 || (s0 == 1 && s1 >= rows)) {
            return new NativeMatrix(dt, p, 0, rows, cols, (int) Math.max(s1, rows), true);
        }
        throw new IllegalArgumentException("NativeMatrix needs unit stride along one dimension, got strides "
                + s0 + ", " + s1);
    }

    /** Rows r0 .. r0+n-1 of a row-major matrix. */
    public NativeMatrix rows(long r0, int n) {
        check(!colMajor);
        return new NativeMatrix(dataType, base, offset + r0 * ld, n, cols, ld, false);
    }

    /** Columns c0 .. c0+n-1. */
    public NativeMatrix cols(int c0, int n) {
        return new NativeMatrix(dataType, base, offset + (colMajor ? (long) c0 * ld : c0), rows, n, ld, colMajor);
    }

    /** The transpose, same storage. */
    public NativeMatrix t() {
        return new NativeMatrix(dataType, base, offset, cols, rows, ld, !colMajor);
    }

    /** c = op(a) op(b) + beta c. */
    public static void gemm(NativeMatrix a, boolean ta, NativeMatrix b, boolean tb, NativeMatrix c, double beta) {
        if (c.colMajor) { // C^T = op(b)^T op(a)^T, and C^T is row-major
            gemm(b, !tb, a, !ta, c.t(), beta);
            return;
        }
        int m = ta ? a.cols : a.rows, k = ta ? a.rows : a.cols;
        int kb = tb ? b.cols : b.rows, n = tb ? b.rows : b.cols;
        if (k != kb || m != c.rows || n != c.cols || a.dataType != c.dataType || b.dataType != c.dataType) {
            throw new IllegalArgumentException("gemm shapes: op(a) " + m + "x" + k + ", op(b) " + kb + "x" + n
                    + ", c " + c.rows + "x" + c.cols);
        }
        // a column-major matrix is its transpose stored row-major
        int transA = (ta ^ a.colMajor) ? CblasTrans : CblasNoTrans;
        int transB = (tb ^ b.colMajor) ? CblasTrans : CblasNoTrans;
        if (c.dataType == DataType.FLOAT) {
            cblas_sgemm(CblasRowMajor, transA, transB, m, n, k, 1f, a.floats(), a.ld, b.floats(), b.ld,
                    (float) beta, c.floats(), c.ld);
        } else {
            cblas_dgemm(CblasRowMajor, transA, transB, m, n, k, 1.0, a.doubles(), a.ld, b.doubles(), b.ld,
                    beta, c.doubles(), c.ld);
        }
    }

    private FloatPointer floats() {
        return new FloatPointer(base).position(offset);
    }

    private DoublePointer doubles() {
        return new DoublePointer(base).position(offset);
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("NativeMatrix: operation needs a row-major matrix");
        }
    }
}
