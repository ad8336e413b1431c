package ai.laes.data;

import java.io.Serializable;

import ai.laes.io.IdxFile;
import ai.laes.io.InputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * One official MNIST split (train or t10k) read from its image and label IDX files, with the
 * cross-file checks: 28 x 28 images, as many labels as images, labels in 0..9. Serializable, so a
 * job can broadcast a split once instead of shipping its pixels inside every task.
 */
public final class MnistImages implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Pixels per image: 28 x 28, also the sequence length T of sequential MNIST. */
    public static final int PIXELS = 784;
    public static final int SIDE = 28;
    public static final int CLASSES = 10;

    private final byte[] pixels;
    private final byte[] labels;
    private final int count;

    MnistImages(byte[] pixels, byte[] labels) {
        this.pixels = pixels;
        this.labels = labels;
        this.count = labels.length;
    }

    /** Reads {@code <dir>/<prefix>-images-idx3-ubyte.gz} and {@code <dir>/<prefix>-labels-idx1-ubyte.gz}. */
    public static MnistImages read(Path dir, String prefix, Configuration conf) {
        Path imagesPath = new Path(dir, prefix + "-images-idx3-ubyte.gz");
        Path labelsPath = new Path(dir, prefix + "-labels-idx1-ubyte.gz");
        IdxFile images = IdxFile.read(imagesPath, conf, 3);
        IdxFile labels = IdxFile.read(labelsPath, conf, 1);
        int[] d = images.dims();
        if (d[1] != SIDE || d[2] != SIDE) {
            throw new InputException(imagesPath + ": images are " + d[1] + " x " + d[2] + ", expected 28 x 28");
        }
        if (d[0] != labels.dims()[0]) {
            throw new InputException(labelsPath + ": " + labels.dims()[0] + " labels for " + d[0]
                    + " images in " + imagesPath.getName());
        }
        byte[] l = labels.data();
        for (int i = 0; i < l.length; i++) {
            if ((l[i] & 0xFF) >= CLASSES) {
                throw new InputException(labelsPath + ": label " + (l[i] & 0xFF) + " at index " + i + " is not a digit 0-9");
            }
        }
        return new MnistImages(images.data(), l);
    }

    public int count() {
        return count;
    }

    public int label(int i) {
        return labels[i] & 0xFF;
    }

    /** Image {@code i} as a shard row, indexed by its official position. */
    public LabeledImage image(int i) {
        return new LabeledImage(i, label(i), pixels(i));
    }

    /** A copy of image {@code i}'s 784 pixels, row-major. */
    public byte[] pixels(int i) {
        byte[] out = new byte[PIXELS];
        System.arraycopy(pixels, i * PIXELS, out, 0, PIXELS);
        return out;
    }
}
