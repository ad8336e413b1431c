package ai.laes.laes;

import java.io.Serializable;

/**
 * What one pass over a set of flattened sequences learns: the per-feature mean mu over every time
 * step of every sequence (weighted by length), the longest length T in steps, the total number of
 * time steps (= the number of nonzero prefix rows of Xi) and the number of sequences.
 */
public final class SequenceStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] mu;
    private final int maxSteps;
    private final long totalSteps;
    private final long sequences;

    public SequenceStats(double[] mu, int maxSteps, long totalSteps, long sequences) {
        this.mu = mu.clone();
        this.maxSteps = maxSteps;
        this.totalSteps = totalSteps;
        this.sequences = sequences;
    }

    /** The per-feature mean mu (length k). */
    public double[] mu() {
        return mu.clone();
    }

    /**
     * The same pass with mu = 0: what the LAES of the raw, uncentred inputs uses (its Xi holds x_t itself, and the
     * end-alignment's zero padding is still a zero input).
     */
    public SequenceStats uncentred() {
        return new SequenceStats(new double[mu.length], maxSteps, totalSteps, sequences);
    }

    /** The input size k. */
    public int inputSize() {
        return mu.length;
    }

    /** T, the longest sequence length in time steps. */
    public int maxSteps() {
        return maxSteps;
    }

    /** Total time steps over all sequences: the number of nonzero rows of Xi. */
    public long totalSteps() {
        return totalSteps;
    }

    public long sequences() {
        return sequences;
    }

    @Override
    public String toString() {
        return "SequenceStats{sequences=" + sequences + ", T=" + maxSteps + ", k=" + mu.length
                + ", totalSteps=" + totalSteps + "}";
    }
}
