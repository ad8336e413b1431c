package ai.laes.data;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * How a source row gets its {@link Split}: from a split column whose values are {@code train}, {@code validation} and
 * {@code test}; by fractions, from a seeded hash of the row's id, so a row lands in the same split in every run and
 * on every partitioning; or fixed, because the row comes from an input that is one split.
 */
public final class SplitRule implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The three ways. */
    public enum Mode {
        COLUMN, FRACTIONS, INPUTS
    }

    private final Mode mode;
    private final double validationFraction;
    private final double testFraction;
    private final long seed;

    private SplitRule(Mode mode, double validationFraction, double testFraction, long seed) {
        this.mode = mode;
        this.validationFraction = validationFraction;
        this.testFraction = testFraction;
        this.seed = seed;
    }

    /** Splits by the value of a split column. */
    public static SplitRule byColumn() {
        return new SplitRule(Mode.COLUMN, 0, 0, 0);
    }

    /** Splits by one input per split. */
    public static SplitRule byInputs() {
        return new SplitRule(Mode.INPUTS, 0, 0, 0);
    }

    /** About {@code validation} and {@code test} of the rows to those splits, the rest to training, drawn from {@code seed}. */
    public static SplitRule byFractions(double validation, double test, long seed) {
        return new SplitRule(Mode.FRACTIONS, validation, test, seed);
    }

    public Mode mode() {
        return mode;
    }

    /** The split of a row with id {@code id}, by fractions: {@link #uniform} below the validation fraction, then test. */
    public Split byHash(String id) {
        double u = uniform(id, seed);
        return u < validationFraction ? Split.VALIDATION : u < validationFraction + testFraction ? Split.TEST : Split.TRAIN;
    }

    /** The split named {@code value} ({@code train}, {@code validation}, {@code test}), or null. */
    public static Split named(String value) {
        for (Split s : Split.values()) {
            if (s.dir().equals(value)) {
                return s;
            }
        }
        return null;
    }

    /**
     * A number in [0, 1) fixed by {@code id} and {@code seed}: the 64-bit FNV-1a hash of the id's UTF-8 bytes, xor the
     * seed, through SplitMix64's finaliser, top 53 bits.
     */
    public static double uniform(String id, long seed) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        long z = h ^ seed;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
