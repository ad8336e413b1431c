package ai.laes.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.laes.data.DatasetInfo;
import ai.laes.data.SequenceExample;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Turns labelled sequences of {@code k} features per step into float32 minibatches on the executors: features
 * [b, k, T_b] (NCW) END-ALIGNED, T_b the longest sequence of the batch and a shorter one left-padded with zeros; a
 * feature mask [b, T_b] (1 on a sequence's own steps, 0 on its padding) only when the lengths differ, so a batch of
 * equal lengths (MNIST) is exactly what it was before masks; one-hot labels [b, C]. End alignment puts every
 * sequence's last step, where the classifier reads it, at T_b - 1, and the recurrent layers give a masked sequence
 * exactly what it gets alone ({@code StepMask}). {@code steps > 0} keeps only the last {@code steps} steps of each
 * sequence (quick runs; a shorter sequence is kept whole); 0 keeps all.
 */
public final class Batches implements Serializable {
    private static final long serialVersionUID = 2L;
    private final int k;
    private final int classes;
    private final int steps;

    /** Minibatches of sequences of {@code k} features per step into {@code classes} classes, cropped to {@code steps} (0: not). */
    public Batches(int k, int classes, int steps) {
        if (k <= 0 || classes < 2 || steps < 0) {
            throw new IllegalArgumentException("Batches: need k > 0, classes >= 2, steps >= 0, got " + k + ", " + classes + ", " + steps);
        }
        this.k = k;
        this.classes = classes;
        this.steps = steps;
    }

    /** The minibatches of the prepared dataset {@code info} describes (its k and classes), cropped to {@code steps}. */
    public static Batches of(DatasetInfo info, int steps) {
        return new Batches(info.k(), info.classes().size(), steps);
    }

    /** Sequential MNIST's: one pixel per step, ten digits. */
    public static Batches mnist(int steps) {
        return new Batches(1, 10, steps);
    }

    /** The steps kept of each sequence ({@code --crop-steps}), 0 for all. */
    public int crop() {
        return steps;
    }

    /** Features per step. */
    public int k() {
        return k;
    }

    /** Classes C (the width of the labels). */
    public int classes() {
        return classes;
    }

    /** Steps of {@code e} the network sees: all, or the last {@code steps}. */
    public int length(SequenceExample e) {
        return steps == 0 ? e.length() : Math.min(steps, e.length());
    }

    /** The values of {@code e} the network sees, step-major (cropped like {@link #features}). */
    public double[] sequence(SequenceExample e) {
        double[] full = e.values();
        int keep = length(e) * k;
        return keep == full.length ? full : Arrays.copyOfRange(full, full.length - keep, full.length);
    }

    /** The longest of the batch's lengths, T_b. */
    public int longest(List<? extends SequenceExample> batch) {
        int t = 0;
        for (SequenceExample e : batch) {
            t = Math.max(t, length(e));
        }
        return t;
    }

    /**
     * Features [b, k, T_b], end-aligned: step t of a sequence of length T sits at T_b - T + t; the padding is 0. Built
     * uncropped and then cut to the last T_b steps, as the MNIST path always built them (the same ND4J calls, so its
     * float minibatches and what runs around them stay as they were).
     */
    public INDArray features(List<? extends SequenceExample> batch) {
        int full = 0;
        for (SequenceExample e : batch) {
            full = Math.max(full, e.length());
        }
        double[] flat = new double[batch.size() * k * full];
        for (int b = 0; b < batch.size(); b++) {
            double[] x = batch.get(b).values();
            int len = x.length / k;
            int offset = full - len;
            if (k == 1) {
                System.arraycopy(x, 0, flat, b * full + offset, len);
            } else {
                for (int s = 0; s < len; s++) {
                    for (int f = 0; f < k; f++) {
                        flat[(b * k + f) * full + offset + s] = x[s * k + f];
                    }
                }
            }
        }
        INDArray uncropped = Nd4j.create(flat, new long[] {batch.size(), k, full}, 'c').castTo(DataType.FLOAT);
        int t = longest(batch);
        return t == full ? uncropped
                : uncropped.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(full - t, full)).dup('c');
    }

    /** The feature mask [b, T_b] (1 on real steps, 0 on the left padding), or null when all lengths are equal. */
    public INDArray mask(List<? extends SequenceExample> batch) {
        int t = longest(batch);
        boolean padded = false;
        for (SequenceExample e : batch) {
            padded |= length(e) != t;
        }
        if (!padded) {
            return null;
        }
        float[] m = new float[batch.size() * t];
        for (int b = 0; b < batch.size(); b++) {
            Arrays.fill(m, b * t + t - length(batch.get(b)), (b + 1) * t, 1f);
        }
        return Nd4j.create(m, new long[] {batch.size(), t}, 'c');
    }

    /** One-hot labels [b, C]. */
    public INDArray labels(List<? extends SequenceExample> batch) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch.size(), classes);
        for (int b = 0; b < batch.size(); b++) {
            y.putScalar(b, batch.get(b).label(), 1.0);
        }
        return y;
    }

    /** Features, labels and (when lengths differ) the feature mask; no label mask (the label is read at the last step). */
    public DataSet dataSet(List<? extends SequenceExample> batch) {
        return new DataSet(features(batch), labels(batch), mask(batch), null);
    }

    /** The sequences of the batch that have its longest length: a batch without padding (for the gradient probes). */
    public List<SequenceExample> unpadded(List<? extends SequenceExample> batch) {
        int t = longest(batch);
        List<SequenceExample> out = new ArrayList<>(batch.size());
        for (SequenceExample e : batch) {
            if (length(e) == t) {
                out.add(e);
            }
        }
        return out;
    }
}
