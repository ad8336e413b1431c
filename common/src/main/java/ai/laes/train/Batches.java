package ai.laes.train;

import java.io.Serializable;
import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.data.SequenceView;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Turns images into float32 minibatches on the executors: features [b, 1, T] through the
 * {@link SequenceView}, one-hot labels [b, 10]. {@code steps > 0} keeps only the last
 * {@code steps} time steps (the end of each sequence, where the label is read), for short tests
 * and benchmarks; 0 keeps all 784.
 */
public final class Batches implements Serializable {
    private static final long serialVersionUID = 1L;
    private final SequenceView view;
    private final int steps;

    public Batches(SequenceView view, int steps) {
        if (steps < 0 || steps > view.length()) {
            throw new IllegalArgumentException("steps " + steps + " not in 0.." + view.length());
        }
        this.view = view;
        this.steps = steps;
    }

    /** Sequence length T seen by the network. */
    public int length() {
        return steps == 0 ? view.length() : steps;
    }

    /** One image as the flattened sequence the network sees (cropped like {@link #features}). */
    public double[] sequence(byte[] pixels) {
        double[] full = view.sequence(pixels);
        return steps == 0 ? full : java.util.Arrays.copyOfRange(full, full.length - steps, full.length);
    }

    public INDArray features(List<LabeledImage> batch) {
        INDArray full = view.features(batch, DataType.FLOAT);
        if (steps == 0) {
            return full;
        }
        long t = view.length();
        return full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t - steps, t)).dup('c');
    }

    public INDArray labels(List<LabeledImage> batch) {
        return SequenceView.labels(batch, DataType.FLOAT);
    }

    public DataSet dataSet(List<LabeledImage> batch) {
        return new DataSet(features(batch), labels(batch));
    }
}
