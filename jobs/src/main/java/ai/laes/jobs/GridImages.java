package ai.laes.jobs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import ai.laes.data.SequenceExample;

/**
 * A split's sequences in the form in which the grid job broadcasts the training and validation sequences once to
 * every executor: plain arrays and serializable objects, never INDArrays, which Spark would close when it cleans the
 * broadcast up (stack-notes). MNIST images (all {@link LabeledImage}s, pixels in the task's order) are kept as three
 * plain arrays (indices, labels, all pixels end to end: 50,000 training images are 39 MB); general sequences as they
 * are (their values in double).
 */
final class GridImages implements Serializable {
    private static final long serialVersionUID = 2L;
    private final long[] indices;
    private final byte[] labels;
    private final byte[] pixels;
    private final List<SequenceExample> sequences;

    private GridImages(long[] indices, byte[] labels, byte[] pixels, List<SequenceExample> sequences) {
        this.indices = indices;
        this.labels = labels;
        this.pixels = pixels;
        this.sequences = sequences;
    }

    static GridImages of(List<? extends SequenceExample> examples) {
        if (!examples.stream().allMatch(e -> e instanceof LabeledImage)) {
            return new GridImages(null, null, null, new ArrayList<>(examples));
        }
        int n = examples.size();
        long[] indices = new long[n];
        byte[] labels = new byte[n];
        byte[] pixels = new byte[n * MnistImages.PIXELS];
        for (int i = 0; i < n; i++) {
            LabeledImage im = (LabeledImage) examples.get(i);
            indices[i] = im.index();
            labels[i] = (byte) im.label();
            System.arraycopy(im.pixels(), 0, pixels, i * MnistImages.PIXELS, MnistImages.PIXELS);
        }
        return new GridImages(indices, labels, pixels, null);
    }

    /** The sequences again (MNIST images each with its own copy of its pixels). */
    List<SequenceExample> images() {
        if (sequences != null) {
            return sequences;
        }
        List<SequenceExample> out = new ArrayList<>(indices.length);
        for (int i = 0; i < indices.length; i++) {
            out.add(new LabeledImage(indices[i], labels[i],
                    Arrays.copyOfRange(pixels, i * MnistImages.PIXELS, (i + 1) * MnistImages.PIXELS)));
        }
        return out;
    }

    int size() {
        return sequences != null ? sequences.size() : indices.length;
    }
}
