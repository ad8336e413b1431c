package ai.laes.recurrent;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * A DL4J feature mask [b, T] (1 = a real step, 0 = padding) read once per pass into Java flags, for our native
 * recurrent layers' convention (DL4J SimpleRnn's and LSTM's): at a padded step the layer's state is set to its
 * initial value (zero), so the next real step starts from it as a sequence's first step does, and the step passes
 * no gradient. Then a sequence padded at the start (end-aligned batches) or at the end gets the outputs and the
 * gradients it gets alone, whatever the padded inputs hold as long as they are finite (a NaN there would still reach
 * the weight gradients as NaN * 0).
 * <p>
 * The state is zeroed by assignment, not multiplied by the mask, so it is exactly zero at a padded step. Entries
 * other than 0 and 1 are refused: a fractional "mask" has no meaning for a state that is either kept or reset.
 * Steps without any padded row ({@link #anyPadded}) cost nothing: end-aligned batches of similar lengths have
 * padding in their first steps only.
 */
public final class StepMask {
    final int b, T;
    /** padded[t * b + i]: row i at step t (0-based) is padding. */
    private final boolean[] padded;
    /** Per step: whether any row is padding. */
    private final boolean[] anyPadded;

    private StepMask(int b, int T, boolean[] padded, boolean[] anyPadded) {
        this.b = b;
        this.T = T;
        this.padded = padded;
        this.anyPadded = anyPadded;
    }

    /**
     * The flags of {@code mask} ([b, T], any data type and order; null: no mask, null returned) for an input of batch
     * {@code b} and {@code T} steps.
     *
     * @throws IllegalStateException if the mask's shape is not [b, T] or an entry is neither 0 nor 1
     */
    public static StepMask of(INDArray mask, int b, int T) {
        if (mask == null) {
            return null;
        }
        if (mask.rank() != 2 || mask.size(0) != b || mask.size(1) != T) {
            throw new IllegalStateException("feature mask must be [batch " + b + ", T " + T + "], got "
                    + Arrays.toString(mask.shape()));
        }
        INDArray m = mask.dataType() == DataType.FLOAT || mask.dataType() == DataType.DOUBLE ? mask : mask.castTo(DataType.DOUBLE);
        Elements e = Elements.of(m); // read in place: castTo + toDoubleMatrix took 0.58 ms at [32, 37], 12% of a fit step
        long s0 = m.stride(0), s1 = m.stride(1);
        boolean[] padded = new boolean[b * T], any = new boolean[T];
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < T; t++) {
                double v = e.get((int) (i * s0 + t * s1));
                if (v != 0.0 && v != 1.0) {
                    throw new IllegalStateException("feature mask entries must be 0 (padding) or 1 (a real step), got "
                            + v + " at [" + i + ", " + t + "]");
                }
                padded[t * b + i] = v == 0.0;
                any[t] |= v == 0.0;
            }
        }
        return new StepMask(b, T, padded, any);
    }

    /** Whether any row of step t (0-based) is padding. */
    public boolean anyPadded(int t) {
        return anyPadded[t];
    }

    /** Whether row i of step t (0-based) is padding. */
    public boolean padded(int t, int i) {
        return padded[t * b + i];
    }

    /**
     * Sets to zero the padded rows of step t's block of a row-major buffer: row i of the block is the {@code cols}
     * elements at {@code start + i * ld}.
     */
    public void zeroPaddedRows(int t, Elements e, int start, int ld, int cols) {
        if (!anyPadded[t]) {
            return;
        }
        for (int i = 0; i < b; i++) {
            if (padded[t * b + i]) {
                int from = start + i * ld;
                for (int j = 0; j < cols; j++) {
                    e.set(from + j, 0.0);
                }
            }
        }
    }
}
