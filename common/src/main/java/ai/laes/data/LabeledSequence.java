package ai.laes.data;

import java.io.Serializable;

/**
 * One labelled sequence of a prepared dataset in the general layout ({@link ShardLayout#SEQUENCES}): its id, its
 * class index (into {@link DatasetInfo#classes()}), its number of steps and its values, flattened step-major:
 * element {@code t * k + f} is feature {@code f} of step {@code t} (both from 0), {@code k} the dataset's features
 * per step. So {@code values.length == length * k}.
 */
public final class LabeledSequence implements Serializable {
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

    /** The class index, 0 .. classes - 1. */
    public int label() {
        return label;
    }

    /** Steps T of this sequence, 1 .. T_max. */
    public int length() {
        return length;
    }

    /** The values, step-major (not copied). */
    public double[] values() {
        return values;
    }
}
