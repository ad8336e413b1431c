package ai.laes.data;

import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A prepared dataset (the output of the prepare job) as every later job takes it: located and checked to be
 * complete ({@link #locate}), its splits read ({@link #read}) and cut to their first rows ({@link #limit}), and
 * recorded as a run's input ({@link #record}).
 */
public final class PreparedData {
    private PreparedData() {
    }

    /** {@code location} (the {@code --data} the user gave) as a prepared dataset: it must exist and be complete. */
    public static Path locate(String location, Configuration conf) {
        Path prepared = FileSystems.qualified(location, conf);
        if (!FileSystems.exists(prepared, conf)) {
            throw new InputException("--data " + location + ": directory not found");
        }
        if (!AtomicOutput.isComplete(prepared, conf)) {
            throw new InputException("--data " + location + ": not a complete prepared dataset (no _SUCCESS)");
        }
        return prepared;
    }

    /**
     * The {@code limit} rows with the smallest image indices (the original images before any
     * replicas), or all for 0. By index, not by read order: Spark orders Parquet splits by size.
     */
    public static JavaRDD<LabeledImage> limit(JavaRDD<LabeledImage> rows, int limit) {
        if (limit <= 0) {
            return rows;
        }
        return rows.sortBy(LabeledImage::index, true, rows.getNumPartitions()).zipWithIndex()
                .filter(t -> t._2() < limit).map(Tuple2::_1);
    }

    /**
     * The images of {@code split} of the prepared dataset at {@code prepared}, at most {@code limit} (the lowest
     * indices, {@link #limit}) if {@code limit > 0}, cached in memory and on disk.
     */
    public static JavaRDD<LabeledImage> read(SparkSession spark, Path prepared, Split split, int limit) {
        return limit(MnistShards.read(spark, prepared, split), limit).persist(StorageLevel.MEMORY_AND_DISK());
    }

    /** Records the prepared dataset's run.json and permutation in {@code info}, under the location {@code data} the user gave. */
    public static void record(RunInfo info, String data, Path prepared, Configuration conf) {
        for (String file : new String[] {"run.json", Permutation.FILE}) {
            info.input("prepared/" + file, data + "/" + file, new Path(prepared, file), conf);
        }
    }
}
