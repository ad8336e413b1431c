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
 * complete ({@link #locate}), described ({@link #describe}, its dataset.json), its splits read as the training path
 * takes them ({@link #examples}: any labelled sequences, MNIST in the order of its task) and cut to their first rows
 * ({@link #limit}), and recorded as a run's input ({@link #record}).
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
     * The {@code limit} rows with the smallest {@link SequenceExample#key}s, or all for 0: for MNIST the smallest image
     * indices (the original images before any replicas), for general sequences a fixed pseudo-random choice (keys are
     * hashes of the ids). By key, not by read order: Spark orders Parquet splits by size.
     */
    public static <T extends SequenceExample> JavaRDD<T> limit(JavaRDD<T> rows, int limit) {
        if (limit <= 0) {
            return rows;
        }
        return rows.sortBy(r -> r.key(), true, rows.getNumPartitions()).zipWithIndex()
                .filter(t -> t._2() < limit).map(Tuple2::_1);
    }

    /**
     * The dataset.json of the prepared dataset at {@code prepared}; a dataset prepared before dataset.json existed
     * (MNIST shards and run.json only) is MNIST's layout ({@link MnistDataset#assumed}).
     */
    public static DatasetInfo describe(Path prepared, Configuration conf) {
        return FileSystems.exists(new Path(prepared, DatasetInfo.FILE), conf) ? DatasetInfo.read(prepared, conf)
                : MnistDataset.assumed();
    }

    /**
     * The sequences of {@code split} as training, evaluation and the LAES take them, at most {@code limit}
     * ({@link #limit}; 0: all), not cached: a general dataset's as they are; MNIST's in the order of {@code task}
     * ({@link SequenceView#apply}), which only MNIST's layout has (general sequences ignore it).
     */
    public static JavaRDD<SequenceExample> examples(SparkSession spark, Path prepared, DatasetInfo info, SequenceTask task,
            Split split, int limit) {
        if (info.layout() == ShardLayout.SEQUENCES) {
            return widened(limit(SequenceShards.read(spark, prepared, split, info.k()), limit));
        }
        SequenceView view = SequenceView.of(task, prepared, spark.sparkContext().hadoopConfiguration());
        return widened(limit(MnistShards.read(spark, prepared, split, view), limit));
    }

    /**
     * {@code rows} as an RDD of their interface type, without a map: no RDD more than MNIST's path always had (see
     * {@link MnistShards#read(SparkSession, Path, Split, SequenceView)}). Safe: RDDs are read-only.
     */
    @SuppressWarnings("unchecked")
    private static JavaRDD<SequenceExample> widened(JavaRDD<? extends SequenceExample> rows) {
        return (JavaRDD<SequenceExample>) rows;
    }

    /** {@link #examples}, cached in memory and on disk. */
    public static JavaRDD<SequenceExample> read(SparkSession spark, Path prepared, DatasetInfo info, SequenceTask task,
            Split split, int limit) {
        return examples(spark, prepared, info, task, split, limit).persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * Records the prepared dataset's run.json, permutation (MNIST's layout) and dataset.json, those it has, in
     * {@code info}, under the location {@code data} the user gave.
     */
    public static void record(RunInfo info, String data, Path prepared, Configuration conf) {
        for (String file : new String[] {"run.json", Permutation.FILE, DatasetInfo.FILE}) {
            Path path = new Path(prepared, file);
            if (file.equals("run.json") || FileSystems.exists(path, conf)) {
                info.input("prepared/" + file, data + "/" + file, path, conf);
            }
        }
    }
}
