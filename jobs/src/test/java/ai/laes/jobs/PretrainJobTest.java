package ai.laes.jobs;

import static ai.laes.jobs.JobAssertions.assertInputError;
import static ai.laes.jobs.JobAssertions.capture;
import static ai.laes.jobs.JobAssertions.listing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.laes.io.Npy;
import ai.laes.io.RunInfo;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pretraining job on real MNIST (a subset of the training split), and its refusals of bad input. */
class PretrainJobTest extends SparkTestBase {
    @TempDir
    static Path tmp;
    static Path prepared;

    static org.apache.hadoop.fs.Path hpath(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }

    /** A prepared-dataset layout whose training split is {@code train}, with the real permutation and run.json. */
    static Path preparedLike(Path dir, Dataset<Row> train) throws IOException {
        train.write().parquet(dir.resolve("train").toString());
        Files.copy(prepared.resolve("permutation.npy"), dir.resolve("permutation.npy"));
        Files.copy(prepared.resolve("run.json"), dir.resolve("run.json"));
        Files.createFile(dir.resolve("_SUCCESS"));
        return dir;
    }

    static int pretrain(String... args) {
        return JobLauncher.execute("pretrain", new PretrainOptions(), args, PretrainJob::run, spark);
    }

    @BeforeAll
    static void prepareRealMnist() {
        prepared = tmp.resolve("prepared");
        assertEquals(0, JobLauncher.execute("prepare", new PrepareOptions(),
                new String[] {"--mnist", TestData.mnistDir().toString(), "--out", prepared.toString(), "--shards", "2"},
                PrepareJob::run, spark));
    }

    @Test
    void smnistLaesBeatsTheMeanAndItsReadoutClassifies() throws IOException {
        Path out = tmp.resolve("smnist");
        try (SparkWarnings warnings = SparkWarnings.capture()) {
            assertEquals(0, pretrain("--data", prepared.toString(), "--out", out.toString(), "--task", "smnist",
                    "--memory-size", "32", "--limit", "3000"));
            assertEquals(List.of(), warnings.aboutTaskSizes(), () -> "all Spark warnings: " + warnings.lines());
        }
        JobAssertions.assertNoChecksumFiles(out);
        JobAssertions.assertNoMachineDetails(out, prepared.toString(), out.toString());
        Configuration conf = new Configuration();
        Map<String, Object> m = RunInfo.readJson(hpath(out.resolve("metrics.json")), conf);
        assertEquals("smnist", m.get("task"));
        assertEquals(32, m.get("memory_size"));
        assertEquals(3000, ((Number) m.get("train_sequences")).intValue());
        assertEquals(784, m.get("sequence_length"));
        assertEquals(1, m.get("input_size"));
        double mse = ((Number) m.get("reconstruction_mse_test")).doubleValue();
        double baseline = ((Number) m.get("mean_baseline_mse_test")).doubleValue();
        assertTrue(mse < 0.8 * baseline, "LAES " + mse + " vs mean-only " + baseline);
        double accuracy = ((Number) m.get("laes_readout_test_accuracy")).doubleValue();
        assertTrue(accuracy > 0.5 && accuracy <= 1.0, "readout accuracy " + accuracy);
        double ratio = ((Number) m.get("sigma_ratio")).doubleValue();
        assertTrue(ratio > 0 && ratio < 1, "s_p/s_1 " + ratio);
        // The checks the job ran on its own mathematics, recorded for the user.
        assertEquals("netlib", m.get("eigen_solver"));
        assertTrue(((Number) m.get("orthonormality_error")).doubleValue() < 1e-10, m.toString());
        assertTrue(((Number) m.get("eigen_residual")).doubleValue() < 1e-10, m.toString());
        assertTrue(((Number) m.get("spectral_norm_B")).doubleValue() <= 1 + 1e-10, m.toString());
        assertTrue(((Number) m.get("spectral_radius_B")).doubleValue() < 1, m.toString());
        Map<String, Object> run = RunInfo.readJson(hpath(out.resolve("run.json")), conf);
        assertTrue(((Map<?, ?>) run.get("platform")).get("blas").toString().contains("OpenBLAS"), run.toString());
        assertEquals(20, ((Map<?, ?>) run.get("blas_canary")).get("products"), run.toString());

        Npy.Array a = Npy.read(hpath(out.resolve("laes/A.npy")), conf);
        Npy.Array b = Npy.read(hpath(out.resolve("laes/B.npy")), conf);
        assertArrayEquals(new long[] {32, 1}, a.shape());
        assertArrayEquals(new long[] {32, 32}, b.shape());
        assertArrayEquals(new long[] {1}, Npy.read(hpath(out.resolve("laes/mean.npy")), conf).shape());
        double mu = Npy.read(hpath(out.resolve("laes/mean.npy")), conf).values()[0];
        assertEquals(0.13, mu, 0.01, "MNIST's mean pixel intensity");
        assertTrue(Files.exists(out.resolve("_SUCCESS")));

        // The LAES-initialised LMN: W_xh = A, W_mm = B, W_hm = I, b_m = -A mu, and a fitted readout.
        assertArrayEquals(a.matrix()[5], Npy.read(hpath(out.resolve("model/lmn-init/W_xh.npy")), conf).matrix()[5], 1e-6);
        assertArrayEquals(b.matrix()[7], Npy.read(hpath(out.resolve("model/lmn-init/W_mm.npy")), conf).matrix()[7], 1e-6);
        double[][] whm = Npy.read(hpath(out.resolve("model/lmn-init/W_hm.npy")), conf).matrix();
        assertEquals(1.0, whm[3][3], 0.0);
        assertEquals(0.0, whm[3][4], 0.0);
        assertEquals(-a.matrix()[2][0] * mu, Npy.read(hpath(out.resolve("model/lmn-init/b_m.npy")), conf).values()[2], 1e-6);
        assertArrayEquals(new long[] {10, 32}, Npy.read(hpath(out.resolve("model/lmn-init/W_out.npy")), conf).shape());
        double init = ((Number) m.get("init_test_accuracy")).doubleValue();
        assertTrue(init > 0.3 && init <= 1.0, "initialised LMN test accuracy " + init);
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork restored = org.deeplearning4j.util.ModelSerializer
                .restoreMultiLayerNetwork(out.resolve("model/lmn-init.zip").toFile(), true);
        assertEquals(0.0, restored.getLayer(1).getParam("b").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .sub(org.nd4j.linalg.factory.Nd4j.create(Npy.read(hpath(out.resolve("model/lmn-init/b_out.npy")), conf).values(),
                        new long[] {1, 10})).norm2Number().doubleValue(), 1e-6);
    }

    @Test
    void reconstructionCsvHasOneRowPerLag() throws IOException {
        Path out = tmp.resolve("pmnist");
        assertEquals(0, pretrain("--data", prepared.toString(), "--out", out.toString(), "--memory-size", "16",
                "--limit", "1000"));
        Dataset<Row> csv = spark.read().option("header", "true").option("inferSchema", "true")
                .csv(out.resolve("reconstruction.csv").toString());
        assertEquals(List.of("lag", "mse", "mean_baseline_mse"), List.of(csv.columns()));
        assertEquals(784, csv.count());
        Row newest = csv.orderBy("lag").first();
        assertTrue(newest.getDouble(1) < newest.getDouble(2), "the newest step is reconstructed better than the mean");
        assertEquals("pmnist", RunInfo.readJson(hpath(out.resolve("metrics.json")), new Configuration()).get("task"));
    }

    @Test
    void impossibleSizesAndBadDataAreRefused() throws IOException {
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Path out = bad.resolve("out");
        String data = prepared.toString();
        List<String> before = listing(bad);
        assertInputError(capture(() -> pretrain("--data", data, "--out", out.toString(), "--memory-size", "0")),
                bad, before, "--memory-size 0");
        assertInputError(capture(() -> pretrain("--data", data, "--out", out.toString(), "--memory-size", "785")),
                bad, before, "785");
        assertInputError(capture(() -> pretrain("--data", data, "--out", out.toString(), "--svd", "qr")),
                bad, before, "--svd qr", "unknown value");
        assertInputError(capture(() -> pretrain("--data", data, "--out", out.toString(), "--task", "cifar")),
                bad, before, "cifar");
        assertInputError(capture(() -> pretrain("--data", bad.resolve("none").toString(), "--out", out.toString())),
                bad, before, "none", "not found");

        // Shards with a wrong schema.
        Path wrong = bad.resolve("wrong");
        spark.range(10).toDF("index").write().parquet(wrong.resolve("train").toString());
        Files.copy(prepared.resolve("permutation.npy"), wrong.resolve("permutation.npy"));
        Files.copy(prepared.resolve("run.json"), wrong.resolve("run.json"));
        Files.createFile(wrong.resolve("_SUCCESS"));
        before = listing(bad);
        assertInputError(capture(() -> pretrain("--data", wrong.toString(), "--out", out.toString())),
                bad, before, "train", "missing column 'label'");

        // Shards with a column of the wrong type.
        Path typed = preparedLike(bad.resolve("typed"), spark.range(10).selectExpr("id as index", "'seven' as label", "unhex('00') as pixels"));
        before = listing(bad);
        assertInputError(capture(() -> pretrain("--data", typed.toString(), "--out", out.toString())),
                bad, before, "typed/train", "column 'label' is string, expected int");

        // Images whose pixel count is not 784 (found while the shards are read, on the executors).
        Path short783 = preparedLike(bad.resolve("short"), spark.createDataFrame(List.of(
                org.apache.spark.sql.RowFactory.create(0L, 3, new byte[784]), org.apache.spark.sql.RowFactory.create(1L, 5, new byte[783])),
                ai.laes.data.MnistShards.SCHEMA));
        before = listing(bad);
        assertInputError(capture(() -> pretrain("--data", short783.toString(), "--out", out.toString())),
                bad, before, "short/train", "image 1 has 783 pixels, expected 784");

        // An output that cannot be written: --out under a regular file.
        Path file = Files.createFile(bad.resolve("a-file"));
        before = listing(bad);
        assertInputError(capture(() -> pretrain("--data", data, "--out", file.resolve("out").toString(), "--limit", "100")),
                bad, before, file.resolve("out").toString());

        // An existing output without --overwrite (refused before any work).
        Path existing = Files.createDirectories(bad.resolve("existing"));
        before = listing(bad);
        assertInputError(capture(() -> pretrain("--data", data, "--out", existing.toString())),
                bad, before, existing.toString(), "already exists");
        assertEquals(List.of(), listing(existing));

        // An empty training split.
        Path empty = bad.resolve("empty");
        spark.createDataFrame(List.of(), ai.laes.data.MnistShards.SCHEMA).write().parquet(empty.resolve("train").toString());
        Files.copy(prepared.resolve("permutation.npy"), empty.resolve("permutation.npy"));
        Files.copy(prepared.resolve("run.json"), empty.resolve("run.json"));
        Files.createFile(empty.resolve("_SUCCESS"));
        before = listing(bad);
        assertInputError(capture(() -> pretrain("--data", empty.toString(), "--out", out.toString())),
                bad, before, "empty");
    }
}
