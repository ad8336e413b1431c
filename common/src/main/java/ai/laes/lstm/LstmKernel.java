package ai.laes.lstm;

import ai.laes.recurrent.Elements;
import ai.laes.recurrent.StepMask;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The fused element kernels of one LSTM step over a [b x n] block, gate blocks [g | f | o | i] as in
 * {@link LstmLayer}. Each step moves its blocks between the native buffers and Java arrays in bulk and
 * computes in one plain loop: one pass instead of the dozen ND4J element ops (tens of microseconds each,
 * 784 steps) DL4J's LSTM spends per step.
 * <pre>
 *   forward:   a = gates + bias;  g = tanh(a_g), f = s(a_f), o = s(a_o), i = s(a_i);  c = f c' + i g;  h = o tanh(c)
 *   backward:  given dh (total dL/dh_t) and the carry dL/dc_t from step t+1 (dc_{t+1} * f_{t+1}):
 *              dc = carry + dh o (1 - tanh(c)^2);  carry := dc f
 *              da_g = dc i (1 - g^2)   da_f = dc c' f (1 - f)   da_o = dh tanh(c) o (1 - o)   da_i = dc g i (1 - i)
 * </pre>
 * (c' = c_{t-1}, s = sigmoid.) A row that {@link StepMask} marks as padding at this step is reset instead: forward
 * c_t = h_t = 0 (the initial state, which the next step starts from); backward dL/da = 0 and carry := 0, since the
 * reset state depends on nothing before it. The check costs one flag per row and none without a mask.
 * FLOAT computes tanh by {@link Elements#tanhRational} and s(x) = (1 + tanh(x/2)) / 2
 * (absolute error below 4e-7, about twice as fast as ND4J's ops); DOUBLE uses Math.tanh and 1 / (1 + e^-x), for the
 * gradient checks.
 */
abstract class LstmKernel {
    final int b, n;

    LstmKernel(int b, int n) {
        this.b = b;
        this.n = n;
    }

    static LstmKernel of(DataType dataType, int b, int n) {
        return dataType == DataType.FLOAT ? new Floats(b, n) : new Doubles(b, n);
    }

    /** Loads the bias row [1 x 4n] added to every step's gates in {@link #forward}. */
    abstract void bias(Elements bias);

    /**
     * One forward step: the gate pre-activations (without bias) at {@code gOff} (b rows of 4n), c_{t-1} at
     * {@code cPrevOff}; writes c_t at {@code cOff} (may equal {@code cPrevOff}), h_t at {@code hOff} (rows of n,
     * contiguous), and the gate activations back over the pre-activations when {@code keepGates}. With a
     * {@code mask} (null: none), rows padded at {@code step} (0-based) get c_t = h_t = 0.
     */
    abstract void forward(Elements gates, int gOff, boolean keepGates, Elements c, int cPrevOff, int cOff,
            Elements h, int hOff, StepMask mask, int step);

    /** Zeroes the carry dL/dc_T: call before the backward pass's first (last in time) step. */
    abstract void resetCarry();

    /**
     * One backward step: the gate activations at {@code gOff} are replaced by dL/da (b rows of 4n); c_{t-1} and
     * c_t at {@code cPrevOff} and {@code cOff}, dL/dh_t at {@code dhOff} (rows of n); updates the carry. With a
     * {@code mask} (null: none), rows padded at {@code step} (0-based) get dL/da = 0 and a zero carry.
     */
    abstract void backward(Elements gates, int gOff, Elements c, int cPrevOff, int cOff, Elements dh, int dhOff,
            StepMask mask, int step);

    /**
     * FLOAT: float arithmetic, rational tanh. Written as short loops over contiguous rows that the JIT can
     * vectorise: all 4n gates in one loop as shift + scale * tanh(scale * a) (scale 1, shift 0 for g; 1/2 and
     * 1/2 for the sigmoids), then c, then h; backward writes dA into a separate array (no aliasing in a loop).
     */
    private static final class Floats extends LstmKernel {
        private final float[] scaledBias, scale, shift, g, d, cPrev, c, h, tc, carry;

        Floats(int b, int n) {
            super(b, n);
            scaledBias = new float[4 * n];
            scale = new float[4 * n];
            shift = new float[4 * n];
            for (int k = 0; k < 4 * n; k++) {
                scale[k] = k < n ? 1f : 0.5f;
                shift[k] = k < n ? 0f : 0.5f;
            }
            g = new float[b * 4 * n];
            d = new float[b * 4 * n];
            cPrev = new float[b * n];
            c = new float[b * n];
            h = new float[b * n];
            tc = new float[n];
            carry = new float[b * n];
        }

        @Override
        void bias(Elements e) {
            e.floats().get(0, scaledBias, 0, 4 * n);
            for (int k = 0; k < 4 * n; k++) {
                scaledBias[k] *= scale[k];
            }
        }

        @Override
        void forward(Elements gates, int gOff, boolean keepGates, Elements cE, int cPrevOff, int cOff, Elements hE, int hOff,
                StepMask mask, int step) {
            FloatBuffer gb = gates.floats(), cb = cE.floats();
            int bn = b * n, w = 4 * n;
            gb.get(gOff, g, 0, b * w);
            cb.get(cPrevOff, cPrev, 0, bn);
            for (int i = 0; i < b; i++) {
                int r = i * w, s = i * n;
                if (mask != null && mask.padded(step, i)) {
                    Arrays.fill(c, s, s + n, 0f);
                    Arrays.fill(h, s, s + n, 0f);
                    continue;
                }
                for (int k = 0; k < w; k++) {
                    g[r + k] = shift[k] + scale[k] * Elements.tanhRational(scale[k] * g[r + k] + scaledBias[k]);
                }
                for (int j = 0; j < n; j++) {
                    c[s + j] = g[r + n + j] * cPrev[s + j] + g[r + 3 * n + j] * g[r + j];
                }
                for (int j = 0; j < n; j++) {
                    h[s + j] = g[r + 2 * n + j] * Elements.tanhRational(c[s + j]);
                }
            }
            if (keepGates) {
                gb.put(gOff, g, 0, b * w);
            }
            cb.put(cOff, c, 0, bn);
            hE.floats().put(hOff, h, 0, bn);
        }

        @Override
        void resetCarry() {
            Arrays.fill(carry, 0f);
        }

        @Override
        void backward(Elements gates, int gOff, Elements cE, int cPrevOff, int cOff, Elements dhE, int dhOff,
                StepMask mask, int step) {
            FloatBuffer gb = gates.floats(), cb = cE.floats();
            int bn = b * n, w = 4 * n;
            gb.get(gOff, g, 0, b * w);
            cb.get(cPrevOff, cPrev, 0, bn);
            cb.get(cOff, c, 0, bn);
            dhE.floats().get(dhOff, h, 0, bn); // h holds dL/dh_t here
            for (int i = 0; i < b; i++) {
                int r = i * w, s = i * n;
                if (mask != null && mask.padded(step, i)) {
                    Arrays.fill(d, r, r + w, 0f);
                    Arrays.fill(carry, s, s + n, 0f);
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    tc[j] = Elements.tanhRational(c[s + j]);
                }
                for (int j = 0; j < n; j++) {
                    float gg = g[r + j], f = g[r + n + j], o = g[r + 2 * n + j], in = g[r + 3 * n + j];
                    float t = tc[j], dh = h[s + j];
                    float dc = carry[s + j] + dh * o * (1 - t * t);
                    carry[s + j] = dc * f;
                    d[r + j] = dc * in * (1 - gg * gg);
                    d[r + n + j] = dc * cPrev[s + j] * f * (1 - f);
                    d[r + 2 * n + j] = dh * t * o * (1 - o);
                    d[r + 3 * n + j] = dc * gg * in * (1 - in);
                }
            }
            gb.put(gOff, d, 0, b * w);
        }
    }

    /** DOUBLE: exact functions, for gradient checks and the equivalence tests. */
    private static final class Doubles extends LstmKernel {
        private final double[] bias, g, cPrev, c, h, carry;

        Doubles(int b, int n) {
            super(b, n);
            bias = new double[4 * n];
            g = new double[b * 4 * n];
            cPrev = new double[b * n];
            c = new double[b * n];
            h = new double[b * n];
            carry = new double[b * n];
        }

        @Override
        void bias(Elements e) {
            e.doubles().get(0, bias, 0, 4 * n);
        }

        @Override
        void forward(Elements gates, int gOff, boolean keepGates, Elements cE, int cPrevOff, int cOff, Elements hE, int hOff,
                StepMask mask, int step) {
            DoubleBuffer gb = gates.doubles(), cb = cE.doubles();
            int bn = b * n, w = 4 * n;
            gb.get(gOff, g, 0, b * w);
            cb.get(cPrevOff, cPrev, 0, bn);
            for (int i = 0; i < b; i++) {
                int r = i * w, s = i * n;
                if (mask != null && mask.padded(step, i)) {
                    Arrays.fill(c, s, s + n, 0.0);
                    Arrays.fill(h, s, s + n, 0.0);
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    double gg = Math.tanh(g[r + j] + bias[j]);
                    double f = sigmoid(g[r + n + j] + bias[n + j]);
                    double o = sigmoid(g[r + 2 * n + j] + bias[2 * n + j]);
                    double in = sigmoid(g[r + 3 * n + j] + bias[3 * n + j]);
                    double ct = f * cPrev[s + j] + in * gg;
                    c[s + j] = ct;
                    h[s + j] = o * Math.tanh(ct);
                    g[r + j] = gg;
                    g[r + n + j] = f;
                    g[r + 2 * n + j] = o;
                    g[r + 3 * n + j] = in;
                }
            }
            if (keepGates) {
                gb.put(gOff, g, 0, b * w);
            }
            cb.put(cOff, c, 0, bn);
            hE.doubles().put(hOff, h, 0, bn);
        }

        @Override
        void resetCarry() {
            Arrays.fill(carry, 0);
        }

        @Override
        void backward(Elements gates, int gOff, Elements cE, int cPrevOff, int cOff, Elements dhE, int dhOff,
                StepMask mask, int step) {
            DoubleBuffer gb = gates.doubles(), cb = cE.doubles();
            int bn = b * n, w = 4 * n;
            gb.get(gOff, g, 0, b * w);
            cb.get(cPrevOff, cPrev, 0, bn);
            cb.get(cOff, c, 0, bn);
            dhE.doubles().get(dhOff, h, 0, bn);
            for (int i = 0; i < b; i++) {
                int r = i * w, s = i * n;
                if (mask != null && mask.padded(step, i)) {
                    Arrays.fill(g, r, r + w, 0.0);
                    Arrays.fill(carry, s, s + n, 0.0);
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    double gg = g[r + j], f = g[r + n + j], o = g[r + 2 * n + j], in = g[r + 3 * n + j];
                    double tc = Math.tanh(c[s + j]), dh = h[s + j];
                    double dc = carry[s + j] + dh * o * (1 - tc * tc);
                    carry[s + j] = dc * f;
                    g[r + j] = dc * in * (1 - gg * gg);
                    g[r + n + j] = dc * cPrev[s + j] * f * (1 - f);
                    g[r + 2 * n + j] = dh * tc * o * (1 - o);
                    g[r + 3 * n + j] = dc * gg * in * (1 - in);
                }
            }
            gb.put(gOff, g, 0, b * w);
        }

        private static double sigmoid(double x) {
            return 1 / (1 + Math.exp(-x));
        }
    }
}
