package ai.laes.jobs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;

/**
 * A split's images as three plain arrays (indices, labels, all pixels end to end), the form in which the grid job
 * broadcasts the training and validation images once to every executor: plain arrays, never INDArrays, which
 * Spark would close when it cleans the broadcast up (stack-notes). 50,000 training images are 39 MB.
 */
final class GridImages implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long[] indices;
    private final byte[] labels;
    private final byte[] pixels;

    private GridImages(long[] indices, byte[] labels, byte[] pixels) {
        this.indices = indices;
        this.labels = labels;
        this.pixels = pixels;
    }

    static GridImages of(List<LabeledImage> images) {
        int n = images.size();
        long[] indices = new long[n];
        byte[] labels = new byte[n];
        byte[] pixels = new byte[n * MnistImages.PIXELS];
        for (int i = 0; i < n; i++) {
            LabeledImage im = images.get(i);
            indices[i] = im.index();
            labels[i] = (byte) im.label();
            System.arraycopy(im.pixels(), 0, pixels, i * MnistImages.PIXELS, MnistImages.PIXELS);
        }
        return new GridImages(indices, labels, pixels);
    }

    /** The images again (each with its own copy of its pixels). */
    List<LabeledImage> images() {
        List<LabeledImage> out = new ArrayList<>(indices.length);
        for (int i = 0; i < indices.length; i++) {
            out.add(new LabeledImage(indices[i], labels[i],
                    Arrays.copyOfRange(pixels, i * MnistImages.PIXELS, (i + 1) * MnistImages.PIXELS)));
        }
        return out;
    }

    int size() {
        return indices.length;
    }
}
