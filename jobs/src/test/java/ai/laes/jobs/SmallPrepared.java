package ai.laes.jobs;

import java.nio.file.Path;
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
import org.apache.spark.broadcast.Broadcast;
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
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<MnistImages> train = sc.broadcast(MnistImages.read(mnist, "train", conf));
        Broadcast<MnistImages> test = sc.broadcast(MnistImages.read(mnist, "t10k", conf));
        try {
            MnistShards.write(spark, PrepareJob.images(sc, train, 0, n, 2), MnistShards.splitDir(out, Split.TRAIN));
            MnistShards.write(spark, PrepareJob.images(sc, train, Split.TRAIN_SIZE, Split.TRAIN_SIZE + n, 2),
                    MnistShards.splitDir(out, Split.VALIDATION));
            MnistShards.write(spark, PrepareJob.images(sc, test, 0, n, 2), MnistShards.splitDir(out, Split.TEST));
        } finally {
            train.destroy();
            test.destroy();
        }
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
}
