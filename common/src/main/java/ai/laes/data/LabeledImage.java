package ai.laes.data;

import java.io.Serializable;

/** One row of a shard: the image's index, its label and its 784 pixels (row-major, unsigned bytes). */
public final class LabeledImage implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long index;
    private final int label;
    private final byte[] pixels;

    public LabeledImage(long index, int label, byte[] pixels) {
        this.index = index;
        this.label = label;
        this.pixels = pixels;
    }

    public long index() {
        return index;
    }

    public int label() {
        return label;
    }

    public byte[] pixels() {
        return pixels;
    }
}
