package ai.laes.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * The sequences of a prepared dataset in either layout, as {@link LabeledSequence}s, for jobs that take any labelled
 * sequences: the general shards as they are, with {@code k} from dataset.json; MNIST's shards as sequential MNIST
 * (784 steps of one pixel in row-major order, scaled to [0, 1], the id the image's index), as {@link SequenceView}
 * reads them for {@code smnist}.
 */
public final class PreparedSequences {
    private PreparedSequences() {
    }

    /** Split {@code split} of the prepared dataset at {@code prepared}, described by {@code info} (its dataset.json). */
    public static JavaRDD<LabeledSequence> read(SparkSession spark, Path prepared, DatasetInfo info, Split split) {
        if (info.layout() == ShardLayout.SEQUENCES) {
            return SequenceShards.read(spark, prepared, split, info.k());
        }
        SequenceView view = SequenceView.of(SequenceTask.SMNIST, prepared, spark.sparkContext().hadoopConfiguration());
        return MnistShards.read(spark, prepared, split)
                .map(im -> new LabeledSequence(Long.toString(im.index()), im.label(), MnistImages.PIXELS, view.sequence(im.pixels())));
    }
}
