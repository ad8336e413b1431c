package ai.laes.recurrent;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Element access to an ND4J array's native memory from Java (as doubles), for the layout conversions
 * between DL4J's [batch, n, T] arrays and the layer's time-major buffers: one Java loop with arbitrary
 * strides instead of ND4J's generic permuted assign, which is an order of magnitude slower here.
 * Index 0 is the array's first element (its view offset is already applied).
 */
public abstract class Elements {
    abstract double get(int i);

    abstract void set(int i, double v);

    /** dst[dstIndex .. dstIndex+length) = this[index .. index+length), a bulk copy (same data type). */
    abstract void copyTo(int index, Elements dst, int dstIndex, int length);

    /** The float buffer behind FLOAT elements (for bulk transfers into Java arrays); null for DOUBLE. */
    public final FloatBuffer floats() {
        return buffer() instanceof FloatBuffer fb ? fb : null;
    }

    /** The double buffer behind DOUBLE elements; null for FLOAT. */
    public final DoubleBuffer doubles() {
        return buffer() instanceof DoubleBuffer db ? db : null;
    }

    /** Elements of {@code a}, covering every index reachable through its shape and strides. */
    public static Elements of(INDArray a) {
        long span = 1;
        for (int d = 0; d < a.rank(); d++) {
            span += (a.size(d) - 1) * Math.abs(a.stride(d));
        }
        if (a.dataType() == DataType.FLOAT) {
            FloatBuffer fb = new FloatPointer(a.data().addressPointer()).position(0).capacity(span).limit(span).asBuffer();
            return new Elements() {
                double get(int i) { return fb.get(i); }
                void set(int i, double v) { fb.put(i, (float) v); }
                void copyTo(int index, Elements dst, int dstIndex, int length) {
                    ((FloatBuffer) dst.buffer()).put(dstIndex, fb, index, length);
                }
                Object buffer() { return fb; }
            };
        }
        if (a.dataType() == DataType.DOUBLE) {
            DoubleBuffer db = new DoublePointer(a.data().addressPointer()).position(0).capacity(span).limit(span).asBuffer();
            return new Elements() {
                double get(int i) { return db.get(i); }
                void set(int i, double v) { db.put(i, v); }
                void copyTo(int index, Elements dst, int dstIndex, int length) {
                    ((DoubleBuffer) dst.buffer()).put(dstIndex, db, index, length);
                }
                Object buffer() { return db; }
            };
        }
        throw new IllegalArgumentException("Elements supports FLOAT and DOUBLE, got " + a.dataType());
    }

    /**
     * Copies a 3-d array a[i][j][t] (any strides; [b, n, T]) to the time-major block
     * m[start + (t * b + i) * ld + j] of a row-major buffer, step by step ({@link #ncwStepToRows}).
     */
    public static void ncwToTimeMajor(INDArray ncw, Elements src, Elements dst, int start, int ld, float[] scratch) {
        for (int t = 0; t < ncw.size(2); t++) {
            ncwStepToRows(ncw, src, t, dst, start, ld, scratch, null);
        }
    }

    /**
     * Copies step t of a 3-d array a[i][j][t] (any strides; [b, n, T]) to m[start + (t * b + i) * ld + j].
     * {@code scratch} (FLOAT, may be null) serves the fast path for arrays whose steps are disjoint
     * blocks (DL4J's 'f' epsilons): one bulk read of the step into scratch, a gather per row, one bulk
     * write per row, no allocation. Given {@code zeros} (a buffer of zeros, null: no check), a step the
     * fast path finds all zero (an epsilon of LastTimeStep at every step but the last) is neither copied
     * nor written, and false is returned: the check is one vectorised comparison of the step against
     * zeros, bitwise, so a -0 or NaN counts as non-zero and is copied.
     */
    public static boolean ncwStepToRows(INDArray ncw, Elements src, int t, Elements dst, int start, int ld,
                                        float[] scratch, FloatBuffer zeros) {
        int b = (int) ncw.size(0), n = (int) ncw.size(1);
        int s0 = (int) ncw.stride(0), s1 = (int) ncw.stride(1), s2 = (int) ncw.stride(2);
        FloatBuffer srcF = src.floats(), dstF = dst.floats();
        int block = (b - 1) * s0 + (n - 1) * s1 + 1; // elements spanned by one step
        if (srcF != null && dstF != null && scratch != null && s2 >= block && scratch.length >= block + n) {
            int row = block;
            if (zeros != null && block <= zeros.capacity()
                    && srcF.slice(t * s2, block).mismatch(zeros.slice(0, block)) < 0) {
                return false;
            }
            srcF.get(t * s2, scratch, 0, block);
            for (int i = 0; i < b; i++) {
                int base = i * s0;
                for (int j = 0; j < n; j++) {
                    scratch[row + j] = scratch[base + j * s1];
                }
                dstF.put(start + (t * b + i) * ld, scratch, row, n);
            }
            return true;
        }
        for (int i = 0; i < b; i++) {
            int from = i * s0 + t * s2, to = start + (t * b + i) * ld;
            for (int j = 0; j < n; j++) {
                dst.set(to + j, src.get(from + j * s1));
            }
        }
        return true;
    }

    public static void timeMajorToNcw(Elements src, int start, int ld, INDArray ncw, Elements dst) {
        int b = (int) ncw.size(0), n = (int) ncw.size(1), T = (int) ncw.size(2);
        int s0 = (int) ncw.stride(0), s1 = (int) ncw.stride(1), s2 = (int) ncw.stride(2);
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < b; i++) {
                int to = i * s0 + t * s2, from = start + (t * b + i) * ld;
                for (int j = 0; j < n; j++) {
                    dst.set(to + j * s1, src.get(from + j));
                }
            }
        }
    }

    /**
     * The tanh derivative in place: d[i][j] *= 1 - h[i][j]^2 over a rows x cols block, d at
     * {@code dStart + i * dLd + j} and h at {@code hStart + i * hLd + j}. FLOAT data goes through the two
     * scratch arrays (at least {@link #span} of each block): one bulk read of each block's whole span,
     * one plain array loop, one bulk write of d's span (the columns between its rows go back unchanged),
     * since a bulk transfer per row cost as much as the arithmetic. DOUBLE ignores them.
     */
    public static void timesTanhDerivative(Elements d, int dStart, int dLd, Elements h, int hStart, int hLd, int rows,
                                           int cols, float[] scratchD, float[] scratchH) {
        FloatBuffer df = d.floats(), hf = h.floats();
        if (df != null && hf != null) {
            int dSpan = span(rows, cols, dLd);
            df.get(dStart, scratchD, 0, dSpan);
            hf.get(hStart, scratchH, 0, span(rows, cols, hLd));
            for (int i = 0; i < rows; i++) {
                int di = i * dLd, hi = i * hLd;
                for (int j = 0; j < cols; j++) {
                    float hv = scratchH[hi + j];
                    scratchD[di + j] *= 1 - hv * hv;
                }
            }
            df.put(dStart, scratchD, 0, dSpan);
            return;
        }
        for (int i = 0; i < rows; i++) {
            int di = dStart + i * dLd, hi = hStart + i * hLd;
            for (int j = 0; j < cols; j++) {
                double hv = h.get(hi + j);
                d.set(di + j, d.get(di + j) * (1 - hv * hv));
            }
        }
    }

    /** Elements from the first to the last of a rows x cols block with leading dimension ld. */
    static int span(int rows, int cols, int ld) {
        return (rows - 1) * ld + cols;
    }

    abstract Object buffer();

    /** dst[dStart + i * dLd + j] = src[sStart + i * sLd + j] over a rows x cols block, row by row in bulk. */
    public static void copyRows(Elements src, int sStart, int sLd, Elements dst, int dStart, int dLd, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            src.copyTo(sStart + i * sLd, dst, dStart + i * dLd, cols);
        }
    }

    /** |x| beyond which the rational tanh below is clamped (its value there is 1 to float precision). */
    private static final float TANH_CLAMP = 7.90531110763549805f;

    /**
     * h := tanh(z) over a rows x cols block (z at {@code zStart + i * zLd + j}, h likewise), by the
     * odd rational minimax approximation Eigen uses for float tanh, in float arithmetic: absolute error
     * below 4e-7 (a few float ulps; tested). About twice as fast here as ND4J's tanh op; FLOAT data only.
     * Through {@code scratch} (at least {@link #span} of z's block) and {@code dense} (rows * cols): one
     * bulk read of z's whole span, its rows packed into the dense block (System.arraycopy), tanh in place
     * over the dense block in one plain loop, which C2 vectorises (a loop from one part of an array into
     * another, or between two arrays at different offsets, it does not: 5 ns per element instead of 1),
     * and one bulk write of the dense block if h is dense too (else one per row): a bulk transfer per
     * row of 128 cost about as much as the tanh of its elements.
     */
    public static void tanhFloat(Elements z, int zStart, int zLd, Elements h, int hStart, int hLd, int rows, int cols,
                                 float[] scratch, float[] dense) {
        tanhFloat(z, zStart, zLd, h, hStart, hLd, rows, cols, scratch, dense, null);
    }

    /**
     * h := tanh(z) + c, as {@link #tanhFloat(Elements, int, int, Elements, int, int, int, int, float[], float[])},
     * with c a dense rows x cols block added in the same loop ({@code null}: none). A row vector is passed
     * tiled to that block: the same-index loop stays vectorised and costs what tanh alone does (0.85-1.0 ns per
     * element either way, AMD EPYC), where a per-row loop adding the vector took 7 ns and ND4J's
     * {@code addiRowVector} over the block afterwards 1.2-1.7 ns.
     */
    public static void tanhFloat(Elements z, int zStart, int zLd, Elements h, int hStart, int hLd, int rows, int cols,
                                 float[] scratch, float[] dense, float[] plus) {
        FloatBuffer zf = z.floats(), hf = h.floats();
        int n = rows * cols;
        if (zLd == cols) {
            zf.get(zStart, dense, 0, n);
        } else {
            zf.get(zStart, scratch, 0, span(rows, cols, zLd));
            for (int i = 0; i < rows; i++) {
                System.arraycopy(scratch, i * zLd, dense, i * cols, cols);
            }
        }
        if (plus == null) {
            tanhInPlace(dense, n);
        } else {
            tanhPlusInPlace(dense, plus, n);
        }
        if (hLd == cols) {
            hf.put(hStart, dense, 0, n);
            return;
        }
        for (int i = 0; i < rows; i++) {
            hf.put(hStart + i * hLd, dense, i * cols, cols);
        }
    }

    private static void tanhInPlace(float[] a, int n) {
        for (int j = 0; j < n; j++) {
            a[j] = tanhRational(a[j]);
        }
    }

    private static void tanhPlusInPlace(float[] a, float[] plus, int n) {
        for (int j = 0; j < n; j++) {
            a[j] = tanhRational(a[j]) + plus[j];
        }
    }

    public static float tanhRational(float x) {
        x = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
        float x2 = x * x;
        float p = -2.76076847742355e-16f;
        p = p * x2 + 2.00018790482477e-13f;
        p = p * x2 - 8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        float q = 1.19825839466702e-06f;
        q = q * x2 + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return x * p / q;
    }
}
