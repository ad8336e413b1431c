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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.laes.data.DatasetInfo;
import ai.laes.data.LabeledImage;
import ai.laes.data.LabeledSequence;
import ai.laes.data.MnistImages;
import ai.laes.data.MnistShards;
import ai.laes.data.Permutation;
import ai.laes.data.PreparedSequences;
import ai.laes.data.SequenceTask;
import ai.laes.data.SequenceView;
import ai.laes.data.ShardLayout;
import ai.laes.data.Split;
import ai.laes.io.IdxFixtures;
import ai.laes.io.RunInfo;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepare job on real MNIST, and its refusals of bad input. */
class PrepareJobTest extends SparkTestBase {
    @TempDir
    static Path tmp;
    static Path prepared;
    static int code;
    static SparkWarnings warnings;

    static org.apache.hadoop.fs.Path hpath(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }

    static int prepare(String... args) {
        return JobLauncher.execute("prepare", new PrepareOptions(), args, PrepareJob::run, spark);
    }

    @BeforeAll
    static void prepareRealMnist() {
        prepared = tmp.resolve("prepared");
        String mnist = TestData.mnistDir().toString();
        try (SparkWarnings spark = SparkWarnings.capture()) {
            code = prepare("--mnist", mnist, "--out", prepared.toString(), "--shards", "3");
            warnings = spark;
        }
    }

    @Test
    void logsNoTaskSizeWarningAndWritesNoChecksumFiles() throws IOException {
        // The capture sees Spark's warning when there is one: a closure holding 2 MB.
        byte[] large = new byte[2 << 20];
        try (SparkWarnings probe = SparkWarnings.capture()) {
            assertEquals(1, jsc.parallelize(List.of(1), 1).map(x -> x + large.length).count());
            assertEquals(1, probe.aboutTaskSizes().size(), () -> "Spark warnings: " + probe.lines());
        }
        assertEquals(0, code);
        assertEquals(List.of(), warnings.aboutTaskSizes(), () -> "all Spark warnings: " + warnings.lines());
        JobAssertions.assertNoChecksumFiles(prepared);
    }

    @Test
    void splitsHaveTheReferenceSizesAndLabelCounts() {
        assertEquals(0, code);
        int[] trainAndValidation = new int[10];
        int[] test = new int[10];
        Map<Split, Integer> sizes = Map.of(Split.TRAIN, 50000, Split.VALIDATION, 10000, Split.TEST, 10000);
        for (Split split : Split.values()) {
            List<LabeledImage> rows = MnistShards.read(spark, hpath(prepared), split).collect();
            assertEquals(sizes.get(split), rows.size(), split.dir());
            Set<Long> indices = new HashSet<>();
            for (LabeledImage im : rows) {
                (split == Split.TEST ? test : trainAndValidation)[im.label()]++;
                indices.add(im.index());
            }
            assertEquals(rows.size(), indices.size(), "distinct indices in " + split.dir());
        }
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, trainAndValidation);
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, test);
    }

    @Test
    void shardsKeepTheOriginalPixelsAndOrder() throws IOException {
        Configuration conf = new Configuration();
        MnistImages train = MnistImages.read(hpath(TestData.mnistDir()), "train", conf);
        for (Split split : new Split[] {Split.TRAIN, Split.VALIDATION}) {
            JavaRDD<LabeledImage> rows = MnistShards.read(spark, hpath(prepared), split);
            for (LabeledImage im : rows.takeSample(false, 20, 7)) {
                assertArrayEquals(train.pixels((int) im.index()), im.pixels());
                assertEquals(train.label((int) im.index()), im.label());
            }
        }
        try (var files = Files.list(prepared.resolve("train"))) {
            assertEquals(3, files.filter(p -> p.toString().endsWith(".parquet")).count(), "--shards 3");
        }
    }

    @Test
    void permutationAndSequenceViews() {
        Configuration conf = new Configuration();
        int[] p = Permutation.read(hpath(prepared.resolve("permutation.npy")), conf, 784);
        assertArrayEquals(Permutation.fromSeed(1234, 784), p);
        int fixed = 0;
        for (int i = 0; i < p.length; i++) {
            fixed += p[i] == i ? 1 : 0;
        }
        assertTrue(fixed < 10, "a real shuffle, " + fixed + " fixed points");
        LabeledImage first = MnistShards.read(spark, hpath(prepared), Split.TEST).first();
        double[] s = SequenceView.of(SequenceTask.SMNIST, hpath(prepared), conf).sequence(first.pixels());
        double[] q = SequenceView.of(SequenceTask.PMNIST, hpath(prepared), conf).sequence(first.pixels());
        for (int t = 0; t < 784; t++) {
            assertEquals((first.pixels()[t] & 0xFF) / 255.0, s[t], 0.0);
            assertEquals(s[p[t]], q[t], 0.0);
        }
        assertEquals(1.0, java.util.Arrays.stream(s).max().orElseThrow(), 0.02);
    }

    @Test
    void runJsonRecordsOptionsSeedsAndTheChecksumsOfSourceMd() throws IOException {
        Map<String, Object> run = RunInfo.readJson(hpath(prepared.resolve("run.json")), new Configuration());
        assertEquals("prepare", run.get("job"));
        assertEquals(3, ((Map<?, ?>) run.get("options")).get("shards"));
        Map<?, ?> inputs = (Map<?, ?>) run.get("inputs");
        assertEquals("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                ((Map<?, ?>) inputs.get("train-images-idx3-ubyte.gz")).get("sha256"));
        assertEquals("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                ((Map<?, ?>) inputs.get("t10k-labels-idx1-ubyte.gz")).get("sha256"));
        assertEquals("3.5.9", ((Map<?, ?>) run.get("versions")).get("spark"));
        assertEquals("bundled OpenBLAS 0.3.19 (org.bytedeco:openblas 0.3.19-1.5.7)", ((Map<?, ?>) run.get("versions")).get("blas"));
        Map<?, ?> platform = (Map<?, ?>) run.get("platform");
        assertEquals(((Map<?, ?>) run.get("versions")).get("blas"), platform.get("blas"));
        assertTrue(platform.get("cpu") instanceof String && platform.get("avx512f") instanceof Boolean, platform.toString());
        assertTrue(Files.exists(prepared.resolve("_SUCCESS")));
        JobAssertions.assertNoMachineDetails(prepared, prepared.toString(), TestData.mnistDir().toString());
    }

    @Test
    void datasetJsonDescribesMnist() {
        DatasetInfo info = DatasetInfo.read(hpath(prepared), new Configuration());
        assertEquals(ShardLayout.MNIST, info.layout());
        assertEquals(1, info.k());
        assertEquals(784, info.tMax());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), info.classes());
        long[] train = info.counts(Split.TRAIN);
        long[] validation = info.counts(Split.VALIDATION);
        long[] both = new long[10];
        for (int c = 0; c < 10; c++) {
            both[c] = train[c] + validation[c];
        }
        assertArrayEquals(new long[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, both);
        assertEquals(50000, java.util.Arrays.stream(train).sum());
        assertArrayEquals(new long[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, info.counts(Split.TEST));
        Map<String, Object> json = RunInfo.readJson(hpath(prepared.resolve("dataset.json")), new Configuration());
        assertEquals(Map.of("min", 784, "median", 784, "max", 784, "histogram", List.of(Map.of("from", 784, "to", 784, "count", 70000))),
                json.get("lengths"));
        Map<?, ?> source = (Map<?, ?>) json.get("source");
        assertEquals("mnist", source.get("format"));
        Map<String, Object> run = RunInfo.readJson(hpath(prepared.resolve("run.json")), new Configuration());
        assertEquals(run.get("inputs"), source.get("inputs"));
        LabeledImage image = MnistShards.read(spark, hpath(prepared), Split.TEST).first();
        LabeledSequence sequence = PreparedSequences.read(spark, hpath(prepared), info, Split.TEST).first();
        assertEquals(Long.toString(image.index()), sequence.id());
        assertEquals(image.label(), sequence.label());
        assertEquals(784, sequence.length());
        for (int t = 0; t < 784; t++) {
            assertEquals((image.pixels()[t] & 0xFF) / 255.0, sequence.values()[t], 0.0);
        }
    }

    @Test
    void replicasAreShiftedCopiesWithDistinctIndices() throws IOException {
        Path out = tmp.resolve("replicated");
        int result = prepare("--mnist", TestData.mnistDir().toString(), "--out", out.toString(), "--replicate", "2", "--shards", "2");
        assertEquals(0, result);
        List<LabeledImage> rows = MnistShards.read(spark, hpath(out), Split.TRAIN).collect();
        assertEquals(100000, rows.size());
        Map<Long, LabeledImage> byIndex = new java.util.HashMap<>();
        rows.forEach(im -> byIndex.put(im.index(), im));
        assertEquals(100000, byIndex.size());
        int identical = 0;
        for (long i = 0; i < 200; i++) {
            LabeledImage original = byIndex.get(i);
            LabeledImage copy = byIndex.get(i + 100000);
            assertEquals(original.label(), copy.label());
            identical += java.util.Arrays.equals(original.pixels(), copy.pixels()) ? 1 : 0;
        }
        assertEquals(0, identical, "every copy is shifted");
    }

    @Test
    void existingOutputIsRefused() throws IOException {
        List<String> before = listing(tmp);
        JobAssertions.Outcome o = capture(() -> prepare("--mnist", TestData.mnistDir().toString(), "--out", prepared.toString()));
        assertInputError(o, tmp, before, prepared.toString(), "already exists");
    }

    @Test
    void badInputsFailWithOneLineAndNoOutput() throws IOException {
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        Path out = bad.resolve("out");
        String mnist = TestData.mnistDir().toString();

        // A missing input directory.
        List<String> before = listing(bad);
        assertInputError(capture(() -> prepare("--mnist", bad.resolve("nope").toString(), "--out", out.toString())),
                bad, before, "nope", "not found");

        // A missing file.
        Path incomplete = bad.resolve("incomplete");
        IdxFixtures.copyMnist(TestData.mnistDir(), incomplete);
        Files.delete(incomplete.resolve("t10k-labels-idx1-ubyte.gz"));
        before = listing(bad);
        assertInputError(capture(() -> prepare("--mnist", incomplete.toString(), "--out", out.toString())),
                bad, before, "t10k-labels-idx1-ubyte.gz", "file not found");

        // A truncated training label file.
        Path truncated = bad.resolve("truncated");
        IdxFixtures.copyMnist(TestData.mnistDir(), truncated);
        IdxFixtures.truncate(truncated.resolve("train-labels-idx1-ubyte.gz"), 10000);
        before = listing(bad);
        assertInputError(capture(() -> prepare("--mnist", truncated.toString(), "--out", out.toString())),
                bad, before, "train-labels-idx1-ubyte.gz", "truncated");

        // Wrong magic in the test images.
        Path magic = bad.resolve("magic");
        IdxFixtures.copyMnist(TestData.mnistDir(), magic);
        byte[] wrong = IdxFixtures.labels(10);
        wrong[1] = 9;
        Files.write(magic.resolve("t10k-images-idx3-ubyte.gz"), IdxFixtures.gzip(wrong));
        before = listing(bad);
        assertInputError(capture(() -> prepare("--mnist", magic.toString(), "--out", out.toString())),
                bad, before, "t10k-images-idx3-ubyte.gz", "magic");

        // Images and labels that disagree in number.
        Path mismatch = bad.resolve("mismatch");
        IdxFixtures.writePair(mismatch, "train", IdxFixtures.images(12), IdxFixtures.labels(11));
        before = listing(bad);
        assertInputError(capture(() -> prepare("--mnist", mismatch.toString(), "--out", out.toString())),
                bad, before, "11 labels for 12 images");

        // Impossible option values and unknown flags.
        before = listing(bad);
        assertInputError(capture(() -> prepare("--mnist", mnist, "--out", out.toString(), "--shards", "0")),
                bad, before, "--shards", "at least 1");
        assertInputError(capture(() -> prepare("--mnist", mnist, "--out", out.toString(), "--shards", "many")),
                bad, before, "--shards");
        assertInputError(capture(() -> prepare("--mnist", mnist)), bad, before, "--out");
    }
}
