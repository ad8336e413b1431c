package ai.laes.data;

import java.nio.charset.StandardCharsets;

/**
 * One labelled sequence of a prepared dataset in the general layout ({@link ShardLayout#SEQUENCES}): its id, its
 * class index (into {@link DatasetInfo#classes()}), its number of steps and its values, flattened step-major:
 * element {@code t * k + f} is feature {@code f} of step {@code t} (both from 0), {@code k} the dataset's features
 * per step. So {@code values.length == length * k}. Its {@link #key} is a 64-bit hash of the id.
 */
public final class LabeledSequence implements SequenceExample {
    private static final long serialVersionUID = 1L;
    private final String id;
    private final int label;
    private final int length;
    private final double[] values;

    public LabeledSequence(String id, int label, int length, double[] values) {
        this.id = id;
        this.label = label;
        this.length = length;
        this.values = values;
    }

    public String id() {
        return id;
    }

    /**
     * The 64-bit FNV-1a hash of the id's UTF-8 bytes through SplitMix64's finaliser: stable across runs, clusters and
     * partitionings, so an epoch's shuffle and {@code --limit} are too; distinct ids collide with probability ~n^2/2^65.
     */
    @Override
    public long key() {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    /** The class index, 0 .. classes - 1. */
    @Override
    public int label() {
        return label;
    }

    /** Steps T of this sequence, 1 .. T_max. */
    @Override
    public int length() {
        return length;
    }

    /** The values, step-major (not copied). */
    @Override
    public double[] values() {
        return values;
    }
}
