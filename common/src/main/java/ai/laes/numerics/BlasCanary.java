package ai.laes.numerics;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasUpper;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dsyrk;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_ssyrk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A once-per-JVM check that the native GEMMs compute what plain Java computes, in the spirit of
 * NumPy's import-time BLAS sanity check: SGEMM and DGEMM through the two routes the product uses
 * (cblas directly, as the LMN's layer calls it, with the Gram pass's SYRK for Z^T Z, and {@code Nd4j.gemm},
 * as DL4J's layers and the LAES encoder call it), in the shapes and transpositions they use, on small
 * seeded inputs.
 *
 * <p>Cost: five products of one million multiply-adds each, in plain Java once and natively four times
 * (two routes, two precisions): about 20 ms per JVM once ND4J is loaded.
 *
 * <p>Tolerance: the relative Frobenius error ||C - C_java|| / ||C_java||. A correct float32 product of
 * depth k has a typical relative error near sqrt(k) 6e-8 (3e-7 measured) and a worst case below
 * k 6e-8 = 8e-6 for k = 128; a wrong kernel gives errors of order 1. Float: 1e-4; double: 1e-10 (the
 * same reasoning with 1.1e-16).
 */
public final class BlasCanary {
    private static final Logger LOG = LoggerFactory.getLogger(BlasCanary.class);
    static final double FLOAT_TOLERANCE = 1e-4;
    static final double DOUBLE_TOLERANCE = 1e-10;

    /**
     * One product C (m x n) = op(A) op(B) of depth k; A is stored k x m when transposed, B n x k. A
     * {@code gram} shape is Z^T Z (B = A, m = n), which the cblas route computes by SYRK as the Gram pass does.
     */
    public record Shape(String use, int m, int n, int k, boolean ta, boolean tb, boolean gram) {
        public Shape(String use, int m, int n, int k, boolean ta, boolean tb) {
            this(use, m, n, k, ta, tb, false);
        }
    }

    /** A GEMM route under test: C, row-major m x n, in float32 ({@code single}) or float64. */
    @FunctionalInterface
    public interface Gemm {
        double[] multiply(Shape s, double[] a, double[] b, boolean single);
    }

    /** The shapes of the LMN step (batch 64, size 128, its weight gradients) and of a Gram block. */
    static final List<Shape> SHAPES = List.of(
            new Shape("LMN forward", 64, 128, 128, false, false),
            new Shape("LMN backward through W^T", 64, 128, 128, false, true),
            new Shape("LMN weight gradient", 128, 128, 64, true, false),
            new Shape("LMN input block", 32, 256, 128, false, false),
            new Shape("Gram block Z^T Z", 128, 128, 64, true, false, true));

    private static Map<String, Object> report;
    private static NumericsCheckFailed failure;

    private BlasCanary() {
    }

    /**
     * Runs the canary the first time it is called in this JVM and remembers the outcome; throws
     * {@link NumericsCheckFailed} (now and on every later call) when a native product is wrong.
     */
    public static synchronized void verifyOnce() {
        if (failure != null) {
            throw failure;
        }
        if (report != null) {
            return;
        }
        try {
            long start = System.nanoTime();
            loadNativeLibraries();
            double loadMillis = (System.nanoTime() - start) / 1e6;
            Map<String, Gemm> routes = new LinkedHashMap<>();
            routes.put("cblas", BlasCanary::cblas);
            routes.put("Nd4j.gemm", BlasCanary::nd4j);
            Map<String, Object> r = new LinkedHashMap<>(verify(routes));
            r.put("native_load_milliseconds", loadMillis);
            report = r;
        } catch (NumericsCheckFailed e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Loads ND4J's backend and the OpenBLAS presets and makes one 1 x 1 product through each route, so that
     * the canary's own time excludes what every JVM that computes pays once anyway (about 1-2 s here).
     */
    private static void loadNativeLibraries() {
        double[] x = {1, 2, 3, 4};
        for (boolean transposed : new boolean[] {false, true}) {
            Shape two = new Shape("load", 2, 2, 2, transposed, !transposed);
            for (boolean single : new boolean[] {true, false}) {
                cblas(two, x, x, single);
                nd4j(two, x, x, single);
            }
        }
    }

    /** What the canary measured in this JVM (empty when it has not run). */
    public static synchronized Map<String, Object> report() {
        return report == null ? Map.of() : report;
    }

    /** Checks every route against plain Java in every shape and precision; returns the figures. */
    public static Map<String, Object> verify(Map<String, Gemm> routes) {
        long start = System.nanoTime();
        SplittableRandom random = new SplittableRandom(20_201_014L);
        double worstSingle = 0;
        double worstDouble = 0;
        int products = 0;
        for (Shape s : SHAPES) {
            double[] a = floats(random, s.m() * s.k());
            double[] b = s.gram() ? a : floats(random, s.k() * s.n());
            double[] expected = javaProduct(s, a, b);
            for (Map.Entry<String, Gemm> route : routes.entrySet()) {
                for (boolean single : new boolean[] {true, false}) {
                    double error = relativeError(expected, route.getValue().multiply(s, a, b, single));
                    double limit = single ? FLOAT_TOLERANCE : DOUBLE_TOLERANCE;
                    if (!(error <= limit)) {
                        String kernel = (single ? "S" : "D") + (s.gram() && route.getKey().equals("cblas") ? "SYRK" : "GEMM");
                        throw NumericsCheckFailed.of("BLAS canary", String.format(Locale.ROOT,
                                "relative error of %s %s (%s, %dx%dx%d%s%s) against plain Java",
                                route.getKey(), kernel, s.use(), s.m(), s.n(), s.k(),
                                s.ta() ? ", A^T" : "", s.tb() ? ", B^T" : ""), error, "<= " + limit);
                    }
                    if (single) {
                        worstSingle = Math.max(worstSingle, error);
                    } else {
                        worstDouble = Math.max(worstDouble, error);
                    }
                    products++;
                }
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("products", products);
        r.put("max_relative_error_sgemm", worstSingle);
        r.put("max_relative_error_dgemm", worstDouble);
        r.put("milliseconds", (System.nanoTime() - start) / 1e6);
        LOG.info("BLAS canary: {} native products agree with plain Java (max relative error {} float32, {} float64) in {} ms",
                products, worstSingle, worstDouble, String.format(Locale.ROOT, "%.1f", r.get("milliseconds")));
        return r;
    }

    /** Values exactly representable in float32, in [-1, 1). */
    private static double[] floats(SplittableRandom random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (2 * random.nextDouble() - 1);
        }
        return v;
    }

    /** The reference: op(A) op(B) by three plain loops in float64 (operands transposed first where needed). */
    static double[] javaProduct(Shape s, double[] a, double[] b) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        double[] opA = s.ta() ? transpose(a, k, m) : a;
        double[] opB = s.tb() ? transpose(b, n, k) : b;
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = opA[i * k + p];
                int row = p * n;
                int out = i * n;
                for (int j = 0; j < n; j++) {
                    c[out + j] += aip * opB[row + j];
                }
            }
        }
        return c;
    }

    /** The transpose of a row-major rows x cols matrix. */
    private static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[x.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[r * cols + c];
            }
        }
        return t;
    }

    static double relativeError(double[] expected, double[] actual) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm); // NaN when actual has a NaN: fails the check
    }

    /** Row-major cblas_sgemm / cblas_dgemm, the calls of the LMN layer (SYRK for a Gram shape, as the Gram pass). */
    static double[] cblas(Shape s, double[] a, double[] b, boolean single) {
        if (s.gram()) {
            return syrk(s, a, single);
        }
        int ta = s.ta() ? CblasTrans : CblasNoTrans;
        int tb = s.tb() ? CblasTrans : CblasNoTrans;
        int lda = s.ta() ? s.m() : s.k();
        int ldb = s.tb() ? s.k() : s.n();
        if (single) {
            float[] c = new float[s.m() * s.n()];
            cblas_sgemm(CblasRowMajor, ta, tb, s.m(), s.n(), s.k(), 1f, toFloats(a), lda, toFloats(b), ldb, 0f, c, s.n());
            return toDoubles(c);
        }
        double[] c = new double[s.m() * s.n()];
        cblas_dgemm(CblasRowMajor, ta, tb, s.m(), s.n(), s.k(), 1.0, a, lda, b, ldb, 0.0, c, s.n());
        return c;
    }

    /** C = Z^T Z by cblas_ssyrk / cblas_dsyrk on the upper triangle, mirrored (Z row-major k x n). */
    private static double[] syrk(Shape s, double[] z, boolean single) {
        int n = s.n();
        double[] c;
        if (single) {
            float[] f = new float[n * n];
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, n, s.k(), 1f, toFloats(z), n, 0f, f, n);
            c = toDoubles(f);
        } else {
            c = new double[n * n];
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, s.k(), 1.0, z, n, 0.0, c, n);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                c[i * n + j] = c[j * n + i];
            }
        }
        return c;
    }

    /** Nd4j.gemm on c-order arrays, the call of DL4J's layers, the Gram pass and the LAES encoder. */
    static double[] nd4j(Shape s, double[] a, double[] b, boolean single) {
        DataType type = single ? DataType.FLOAT : DataType.DOUBLE;
        long[] aShape = s.ta() ? new long[] {s.k(), s.m()} : new long[] {s.m(), s.k()};
        long[] bShape = s.tb() ? new long[] {s.n(), s.k()} : new long[] {s.k(), s.n()};
        try (INDArray x = Nd4j.create(a, aShape, 'c').castTo(type);
             INDArray y = Nd4j.create(b, bShape, 'c').castTo(type);
             INDArray c = Nd4j.zeros(type, s.m(), s.n())) {
            Nd4j.gemm(x, y, c, s.ta(), s.tb(), 1.0, 0.0);
            return c.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        }
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
