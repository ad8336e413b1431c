package ai.laes.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GEMM canary: passes on the native routes of this machine, and refuses wrong products with one line. */
class BlasCanaryTest {
    @Test
    void nativeProductsAgreeWithPlainJavaInEveryShapeAndPrecision() {
        Map<String, Object> r = BlasCanary.verify(Map.of("cblas", BlasCanary::cblas, "Nd4j.gemm", BlasCanary::nd4j));
        assertEquals(BlasCanary.SHAPES.size() * 2 * 2, r.get("products"));
        double single = (Double) r.get("max_relative_error_sgemm");
        double dbl = (Double) r.get("max_relative_error_dgemm");
        // float32 rounding must be visible (the float route really ran in float32), and small
        assertTrue(single > 1e-9 && single < BlasCanary.FLOAT_TOLERANCE, "float32 relative error " + single);
        assertTrue(dbl < 1e-13, "float64 relative error " + dbl);
    }

    @Test
    void aProductThatIgnoresTranspositionIsRefusedWithOneLineNamingCheckBlasAndCpu() {
        BlasCanary.Gemm untransposed = (s, a, b, single) -> {
            BlasCanary.Shape plain = new BlasCanary.Shape(s.use(), s.m(), s.n(), s.k(), false, false);
            return BlasCanary.cblas(plain, a, b, single);
        };
        NumericsCheckFailed e = assertThrows(NumericsCheckFailed.class,
                () -> BlasCanary.verify(Map.of("broken kernel", untransposed)));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        for (String part : new String[] {"BLAS canary", "broken kernel", "SGEMM", "B^T", "BLAS: ", "CPU: "}) {
            assertTrue(m.contains(part), "'" + part + "' missing from: " + m);
        }
    }

    @Test
    void aSingleWrongEntryOrANaNIsRefused() {
        BlasCanary.Gemm oneOff = (s, a, b, single) -> {
            double[] c = BlasCanary.cblas(s, a, b, single);
            c[c.length / 2] += 0.05 * Math.abs(c[c.length / 2]) + 0.05;
            return c;
        };
        assertThrows(NumericsCheckFailed.class, () -> BlasCanary.verify(Map.of("one entry off", oneOff)));
        BlasCanary.Gemm nan = (s, a, b, single) -> {
            double[] c = BlasCanary.cblas(s, a, b, single);
            c[0] = Double.NaN;
            return c;
        };
        assertThrows(NumericsCheckFailed.class, () -> BlasCanary.verify(Map.of("NaN", nan)));
    }

    @Test
    void aGramProductWithOnlyItsUpperTriangleIsRefused() {
        BlasCanary.Gemm halfGram = (s, a, b, single) -> {
            double[] c = BlasCanary.cblas(s, a, b, single);
            if (s.gram()) { // as if SYRK's triangle were never mirrored
                for (int i = 0; i < s.n(); i++) {
                    for (int j = 0; j < i; j++) {
                        c[i * s.n() + j] = 0;
                    }
                }
            }
            return c;
        };
        NumericsCheckFailed e = assertThrows(NumericsCheckFailed.class,
                () -> BlasCanary.verify(Map.of("half Gram", halfGram)));
        assertTrue(e.getMessage().contains("Gram block Z^T Z"), e.getMessage());
    }

    @Test
    void thePlainJavaReferenceIsRight() {
        // [[1 2] [3 4]] (2x2), A^T stored, times B = [[5] [6]]
        BlasCanary.Shape s = new BlasCanary.Shape("test", 2, 1, 2, true, false);
        double[] at = {1, 3, 2, 4};
        assertEquals(17.0, BlasCanary.javaProduct(s, at, new double[] {5, 6})[0]);
        assertEquals(39.0, BlasCanary.javaProduct(s, at, new double[] {5, 6})[1]);
    }
}
