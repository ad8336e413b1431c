package ai.laes.data;

import java.io.Serializable;

/**
 * One labelled sequence as training, evaluation and the LAES take it, whatever the shards store: a stable 64-bit
 * {@link #key} (the order of an epoch's shuffle and of {@code --limit}), the class index, the number of steps and
 * the values step-major (element {@code t * k + f} is feature {@code f} of step {@code t}, {@code k} the dataset's
 * features per step). Two kinds implement it: {@link LabeledImage}, an MNIST image kept as its 784 bytes (compact:
 * the grid broadcasts every training sequence), and {@link LabeledSequence}, any sequence of a general dataset.
 */
public interface SequenceExample extends Serializable {
    /** A stable identity: the image index for MNIST, a 64-bit hash of the id for general sequences. */
    long key();

    /** The class index, 0 .. classes - 1. */
    int label();

    /** Steps T of this sequence, at least 1. */
    int length();

    /** The values, step-major, {@code length() * k} of them (possibly shared: do not modify). */
    double[] values();
}
