package ai.laes.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.laes.data.MnistImages;
import ai.laes.data.MnistShards;
import ai.laes.data.Permutation;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.RunInfo;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A prepared dataset in the prepare job's layout, cut down for fast tests: the first {@code n}
 * images of each real MNIST split (train from index 0, validation from 50,000, test from 0) and
 * the seed-1234 permutation.
 */
final class SmallPrepared {
    private SmallPrepared() {
    }

    static Path create(SparkSession spark, Path dir, int n) {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path mnist = new org.apache.hadoop.fs.Path(TestData.mnistDir().toUri());
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(dir.toUri());
        MnistImages train = MnistImages.read(mnist, "train", conf);
        MnistImages test = MnistImages.read(mnist, "t10k", conf);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        write(spark, sc, PrepareJob.images(train, 0, n), MnistShards.splitDir(out, Split.TRAIN));
        write(spark, sc, PrepareJob.images(train, Split.TRAIN_SIZE, Split.TRAIN_SIZE + n), MnistShards.splitDir(out, Split.VALIDATION));
        write(spark, sc, PrepareJob.images(test, 0, n), MnistShards.splitDir(out, Split.TEST));
        Permutation.write(new org.apache.hadoop.fs.Path(out, Permutation.FILE), conf, Permutation.fromSeed(1234, MnistImages.PIXELS));
        // What completes a prepare output: its run.json, then _SUCCESS.
        RunInfo.writeJson(new org.apache.hadoop.fs.Path(out, "run.json"), conf,
                Map.of("job", "prepare", "fixture", "SmallPrepared", "rows_per_split", n));
        try {
            out.getFileSystem(conf).create(new org.apache.hadoop.fs.Path(out, AtomicOutput.SUCCESS)).close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    private static void write(SparkSession spark, JavaSparkContext sc, List<ai.laes.data.LabeledImage> images, org.apache.hadoop.fs.Path to) {
        MnistShards.write(spark, sc.parallelize(images, 2), to);
    }
}
