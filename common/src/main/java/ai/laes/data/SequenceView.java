package ai.laes.data;

import java.io.Serializable;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How every later job sees an image: a sequence of 784 steps of one feature, pixels scaled to
 * [0, 1], in row-major order (smnist) or with step t reading pixel {@code order[t]} (pmnist).
 */
public final class SequenceView implements Serializable {
    private static final long serialVersionUID = 1L;
    private final SequenceTask task;
    private final int[] order;

    public SequenceView(SequenceTask task, int[] order) {
        this.task = task;
        this.order = order.clone();
    }

    /** The view of {@code task} over the prepared dataset at {@code prepared} (reads its permutation for pmnist). */
    public static SequenceView of(SequenceTask task, Path prepared, Configuration conf) {
        if (task == SequenceTask.SMNIST) {
            int[] identity = new int[MnistImages.PIXELS];
            for (int i = 0; i < identity.length; i++) {
                identity[i] = i;
            }
            return new SequenceView(task, identity);
        }
        return new SequenceView(task, Permutation.read(new Path(prepared, Permutation.FILE), conf, MnistImages.PIXELS));
    }

    public SequenceTask task() {
        return task;
    }

    /** Sequence length T. */
    public int length() {
        return order.length;
    }

    /**
     * The image as the training path takes it ({@link SequenceExample}): the same index and label, its pixels in this
     * view's order (step t holds pixel {@code order[t]}), so its values are exactly {@link #sequence} of the row-major
     * pixels, still 784 bytes. For smnist the image itself.
     */
    public LabeledImage apply(LabeledImage image) {
        if (task == SequenceTask.SMNIST) {
            return image;
        }
        byte[] original = image.pixels();
        byte[] ordered = new byte[order.length];
        for (int t = 0; t < ordered.length; t++) {
            ordered[t] = original[order[t]];
        }
        return new LabeledImage(image.index(), image.label(), ordered);
    }

    /** The image as a flattened sequence x_1..x_T (k = 1). */
    public double[] sequence(byte[] pixels) {
        double[] x = new double[order.length];
        for (int t = 0; t < x.length; t++) {
            x[t] = (pixels[order[t]] & 0xFF) / 255.0;
        }
        return x;
    }

    /** One split's sequences, reading the shards on the executors. */
    public JavaRDD<double[]> sequences(SparkSession spark, Path prepared, Split split) {
        SequenceView view = this;
        return MnistShards.read(spark, prepared, split).map(im -> view.sequence(im.pixels()));
    }

    /** A minibatch in DL4J's recurrent layout [batch, 1, T] (NCW) of the given data type. */
    public INDArray features(java.util.List<LabeledImage> batch, DataType type) {
        int t = order.length;
        double[] flat = new double[batch.size() * t];
        for (int b = 0; b < batch.size(); b++) {
            System.arraycopy(sequence(batch.get(b).pixels()), 0, flat, b * t, t);
        }
        return Nd4j.create(flat, new long[] {batch.size(), 1, t}, 'c').castTo(type);
    }

    /** One-hot labels [batch, 10] of the given data type. */
    public static INDArray labels(java.util.List<LabeledImage> batch, DataType type) {
        INDArray y = Nd4j.zeros(type, batch.size(), MnistImages.CLASSES);
        for (int b = 0; b < batch.size(); b++) {
            y.putScalar(b, batch.get(b).label(), 1.0);
        }
        return y;
    }
}
