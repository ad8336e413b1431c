package ai.laes.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import ai.laes.data.DatasetInfo;
import ai.laes.data.LabeledImage;
import ai.laes.data.MnistDataset;
import ai.laes.data.MnistImages;
import ai.laes.data.MnistShards;
import ai.laes.data.Permutation;
import ai.laes.data.Replicas;
import ai.laes.data.SourceFormat;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.Checksums;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import ai.laes.spark.Stages;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Prepare: a dataset in, Parquet shards out (train / validation / test) with dataset.json. From MNIST's four IDX
 * files (its own shard layout, the pMNIST permutation and optional shifted replicas of the training set), or from the
 * user's labelled sequences in Parquet ({@link ParquetPrepare}, the general layout).
 */
public final class PrepareJob {
    /** The official files, by role in run.json. */
    static final String[] FILES = {
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    private PrepareJob() {
    }

    public static void main(String[] args) {
        JobLauncher.main("prepare", new PrepareOptions(), args, PrepareJob::run);
    }

    /** Runs the job on {@code spark}: MNIST or the user's Parquet, by {@code --format}. */
    public static void run(PrepareOptions options, SparkSession spark) {
        switch (options.format) {
            case MNIST -> prepareMnist(options, spark);
            case PARQUET -> ParquetPrepare.run(options, spark);
            default -> throw new IllegalStateException("unknown format " + options.format);
        }
    }

    /** MNIST's IDX files into its own shard layout, permutation.npy and dataset.json. */
    static void prepareMnist(PrepareOptions options, SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path mnist = FileSystems.qualified(options.mnist, conf);
        if (!FileSystems.exists(mnist, conf)) {
            throw new InputException("--mnist " + options.mnist + ": directory not found");
        }
        try (AtomicOutput out = AtomicOutput.begin(options.output.out, options.output.overwrite, conf)) {
            Stages stages = new Stages(sc);
            RunInfo info = new RunInfo("prepare", JobLauncher.resolved(options));
            MnistImages train = stages.run("prepare: read train IDX", () -> MnistImages.read(mnist, "train", conf));
            MnistImages test = stages.run("prepare: read test IDX", () -> MnistImages.read(mnist, "t10k", conf));
            if (train.count() <= Split.TRAIN_SIZE) {
                throw new InputException(new Path(mnist, FILES[0]) + ": " + train.count()
                        + " training images, need more than " + Split.TRAIN_SIZE + " (train + validation)");
            }
            Map<String, Object> rows = new LinkedHashMap<>();
            stages.run("prepare: write shards", () -> {
                Broadcast<MnistImages> trainImages = sc.broadcast(train);
                Broadcast<MnistImages> testImages = sc.broadcast(test);
                try {
                    JavaRDD<LabeledImage> trainRdd = images(sc, trainImages, 0, Split.TRAIN_SIZE, options.shards);
                    JavaRDD<LabeledImage> replicated = replicate(trainRdd, options.replicate, options.seed);
                    MnistShards.write(spark, replicated, MnistShards.splitDir(out.work(), Split.TRAIN));
                    MnistShards.write(spark, images(sc, trainImages, Split.TRAIN_SIZE, train.count(), options.shards),
                            MnistShards.splitDir(out.work(), Split.VALIDATION));
                    MnistShards.write(spark, images(sc, testImages, 0, test.count(), options.shards),
                            MnistShards.splitDir(out.work(), Split.TEST));
                } finally {
                    trainImages.destroy();
                    testImages.destroy();
                }
                rows.put(Split.TRAIN.dir(), (long) Split.TRAIN_SIZE * options.replicate);
                rows.put(Split.VALIDATION.dir(), train.count() - Split.TRAIN_SIZE);
                rows.put(Split.TEST.dir(), test.count());
            });
            Permutation.write(out.file(Permutation.FILE), conf, Permutation.fromSeed(options.permutationSeed, MnistImages.PIXELS));
            Map<String, Object> inputs = stages.run("prepare: checksums", () -> checksums(options.mnist, mnist, conf));
            inputs.forEach(info::input);
            DatasetInfo dataset = MnistDataset.describe(train, test, options.replicate, source(options, inputs));
            dataset.write(out.work(), conf);
            info.put("dataset", dataset.summary());
            info.put("seeds", Map.of("permutation", options.permutationSeed, "replicas", options.seed));
            info.put("rows", rows);
            info.put("spark", Map.of("master", sc.master(), "application", sc.sc().applicationId()));
            info.write(out.file("run.json"), conf, stages.seconds());
            out.commit();
        }
    }

    /** Each official file's path as given and SHA-256, by file name. */
    private static Map<String, Object> checksums(String given, Path mnist, Configuration conf) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (String file : FILES) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", given + "/" + file);
            entry.put("sha256", Checksums.sha256(new Path(mnist, file), conf));
            inputs.put(file, entry);
        }
        return inputs;
    }

    /** dataset.json's {@code source} of an MNIST prepare. */
    private static Map<String, Object> source(PrepareOptions options, Map<String, Object> inputs) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("format", SourceFormat.MNIST.id());
        source.put("inputs", inputs);
        Map<String, Object> shaping = new LinkedHashMap<>();
        shaping.put("permutation-seed", options.permutationSeed);
        shaping.put("replicate", options.replicate);
        shaping.put("seed", options.seed);
        source.put("options", shaping);
        return source;
    }

    /**
     * Images {@code from} (inclusive) to {@code to} (exclusive) of a broadcast split, indexed by their
     * official position, in {@code partitions} runs of consecutive images cut where
     * {@code sc.parallelize} cuts a list. Only the bounds travel inside the tasks; the pixels come
     * from the broadcast, shipped once per executor. (Parallelizing the images themselves put about
     * 10 MB of pixels into each training task of 4 shards: "a task of very large size (9921 KiB)".)
     */
    static JavaRDD<LabeledImage> images(JavaSparkContext sc, Broadcast<MnistImages> split, int from, int to, int partitions) {
        List<int[]> bounds = new ArrayList<>(partitions);
        long n = to - from;
        for (int i = 0; i < partitions; i++) {
            bounds.add(new int[] {from + (int) (i * n / partitions), from + (int) ((i + 1) * n / partitions)});
        }
        return sc.parallelize(bounds, partitions)
                .flatMap(b -> IntStream.range(b[0], b[1]).mapToObj(i -> split.value().image(i)).iterator());
    }

    /** The training set followed by {@code copies - 1} shifted copies of it, made on the executors. */
    static JavaRDD<LabeledImage> replicate(JavaRDD<LabeledImage> train, int copies, long seed) {
        JavaRDD<LabeledImage> all = train;
        for (int r = 1; r < copies; r++) {
            int copy = r;
            all = all.union(train.map(im -> Replicas.copy(im, copy, seed)));
        }
        return all;
    }
}
