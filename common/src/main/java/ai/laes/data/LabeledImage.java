package ai.laes.data;

/**
 * One MNIST image: its index, its label and its 784 pixels (unsigned bytes). As a shard row the pixels are row-major;
 * as a {@link SequenceExample} they are in the order the sequence reads them ({@link SequenceView#apply}: row-major for
 * smnist, permuted for pmnist), and step t's value is {@code (pixels[t] & 0xFF) / 255.0}, k = 1.
 */
public final class LabeledImage implements SequenceExample {
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

    @Override
    public int label() {
        return label;
    }

    public byte[] pixels() {
        return pixels;
    }

    /** The image index. */
    @Override
    public long key() {
        return index;
    }

    @Override
    public int length() {
        return pixels.length;
    }

    /** The pixels in stored order scaled to [0, 1]: {@code (pixels[t] & 0xFF) / 255.0}, a new array. */
    @Override
    public double[] values() {
        double[] x = new double[pixels.length];
        for (int t = 0; t < x.length; t++) {
            x[t] = (pixels[t] & 0xFF) / 255.0;
        }
        return x;
    }
}
