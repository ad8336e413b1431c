package ai.laes.jobs;

import static ai.laes.jobs.SequenceTables.DIGITS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.laes.data.DatasetInfo;
import ai.laes.data.LabelKind;
import ai.laes.data.LabeledSequence;
import ai.laes.data.PreparedSequences;
import ai.laes.data.SequenceShards;
import ai.laes.data.ShardLayout;
import ai.laes.data.Split;
import ai.laes.data.SplitRule;
import ai.laes.io.RunInfo;
import ai.laes.spark.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare --format parquet on three tables made from real MNIST: what dataset.json says and what the shards hold. */
class ParquetPrepareTest extends SparkTestBase {
    @TempDir
    static Path tmp;

    static int prepare(String... args) {
        return JobLauncher.execute("prepare", new PrepareOptions(), args, PrepareJob::run, spark);
    }

    static org.apache.hadoop.fs.Path hpath(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }

    /** Every split's shards, by id. */
    static Map<String, LabeledSequence> shards(Path prepared, Split split, int k) {
        Map<String, LabeledSequence> byId = new HashMap<>();
        for (LabeledSequence s : SequenceShards.read(spark, hpath(prepared), split, k).collect()) {
            byId.put(s.id(), s);
        }
        return byId;
    }

    /** Images 0..199 train, 200..249 validation, 250..299 test, as rows of 28 floats, integer labels, a split column. */
    @Test
    void mnistRowByRowWithASplitColumn() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(SequenceTables.row(SequenceTables.rows(i), SequenceTables.images().label(i),
                    i < 200 ? "train" : i < 250 ? "validation" : "test"));
        }
        Path input = SequenceTables.write(spark, tmp.resolve("rows.parquet"), SequenceTables.schema(
                "image", SequenceTables.NESTED_FLOAT, "digit", DataTypes.IntegerType, "part", DataTypes.StringType), rows, 2);
        Path out = tmp.resolve("rows-prepared");
        JobAssertions.Outcome o = JobAssertions.capture(() -> prepare("--format", "parquet", "--input", input.toString(),
                "--sequence-col", "image", "--label-col", "digit", "--split-col", "part", "--out", out.toString(), "--shards", "2"));
        assertEquals(0, o.code(), o.stderr());

        DatasetInfo info = DatasetInfo.read(hpath(out), new Configuration());
        assertEquals(ShardLayout.SEQUENCES, info.layout());
        assertEquals(28, info.k());
        assertEquals(28, info.tMax());
        assertEquals(LabelKind.INTEGER, info.labelKind());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), info.classes());
        assertArrayEquals(digitCounts(0, 200), info.counts(Split.TRAIN));
        assertArrayEquals(digitCounts(200, 250), info.counts(Split.VALIDATION));
        assertArrayEquals(digitCounts(250, 300), info.counts(Split.TEST));
        Map<String, Object> json = RunInfo.readJson(hpath(out.resolve("dataset.json")), new Configuration());
        assertEquals(Map.of("min", 28, "median", 28, "max", 28, "histogram", List.of(Map.of("from", 28, "to", 28, "count", 300))),
                json.get("lengths"));

        for (Split split : Split.values()) {
            Map<String, LabeledSequence> read = shards(out, split, 28);
            int from = split == Split.TRAIN ? 0 : split == Split.VALIDATION ? 200 : 250;
            int to = split == Split.TRAIN ? 200 : split == Split.VALIDATION ? 250 : 300;
            assertEquals(to - from, read.size(), split.dir());
            for (int i = from; i < to; i++) {
                LabeledSequence s = read.get(Integer.toString(i));
                assertEquals(SequenceTables.images().label(i), s.label(), "row " + i);
                assertEquals(28, s.length());
                assertArrayEquals(SequenceTables.widened(i), s.values(), 0.0, "row " + i);
            }
        }
        LabeledSequence any = PreparedSequences.read(spark, hpath(out), info, Split.TEST).first();
        assertArrayEquals(SequenceTables.widened(Integer.parseInt(any.id())), any.values(), 0.0, "the reader of either layout");
        try (var files = Files.list(out.resolve("train"))) {
            assertEquals(2, files.filter(p -> p.toString().endsWith(".parquet")).count(), "--shards 2");
        }
        Map<String, Object> run = RunInfo.readJson(hpath(out.resolve("run.json")), new Configuration());
        assertEquals(Map.of("layout", "sequences", "k", 28, "t_max", 28, "classes", info.classes()), run.get("dataset"));
        assertEquals("parquet", ((Map<?, ?>) run.get("options")).get("format"));
        List<?> files = (List<?>) ((Map<?, ?>) ((Map<?, ?>) run.get("inputs")).get("input")).get("files");
        assertEquals(2, files.size(), files.toString());
        assertTrue(((Map<?, ?>) files.get(0)).get("sha256").toString().matches("[0-9a-f]{64}"), files.toString());
        JobAssertions.assertNoMachineDetails(out, out.toString(), input.toString());
        JobAssertions.assertNoChecksumFiles(out);
    }

    /** Cropped images of 20 to 400 steps with string labels, split by fractions of a seeded hash of the id column. */
    @Test
    void variableLengthsStringLabelsAndFractions() throws Exception {
        int n = 400;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(SequenceTables.row(String.format("img-%04d", i), SequenceTables.cropped(i), DIGITS[SequenceTables.images().label(i)]));
        }
        Path input = SequenceTables.write(spark, tmp.resolve("cropped.parquet"), SequenceTables.schema(
                "name", DataTypes.StringType, "pixels", SequenceTables.FLAT_DOUBLE, "digit", DataTypes.StringType), rows, 3);
        Path out = tmp.resolve("cropped-prepared");
        JobAssertions.Outcome o = JobAssertions.capture(() -> prepare("--format", "parquet", "--input", input.toString(),
                "--sequence-col", "pixels", "--label-col", "digit", "--id-col", "name", "--validation-fraction", "0.2",
                "--test-fraction", "0.25", "--seed", "7", "--out", out.toString()));
        assertEquals(0, o.code(), o.stderr());

        DatasetInfo info = DatasetInfo.read(hpath(out), new Configuration());
        List<String> sorted = Arrays.stream(DIGITS).sorted().toList();
        assertEquals(sorted, info.classes(), "lexicographic order");
        assertEquals(List.of("eight", "five", "four", "nine", "one", "seven", "six", "three", "two", "zero"), info.classes());
        assertEquals(1, info.k());
        int[] lengths = java.util.stream.IntStream.range(0, n).map(SequenceTables::cropLength).sorted().toArray();
        assertEquals(lengths[n - 1], info.tMax());
        Map<String, Object> json = RunInfo.readJson(hpath(out.resolve("dataset.json")), new Configuration());
        Map<?, ?> l = (Map<?, ?>) json.get("lengths");
        assertEquals(lengths[0], l.get("min"));
        assertEquals(lengths[(n - 1) / 2], l.get("median"));
        assertEquals(lengths[n - 1], l.get("max"));
        long binned = 0;
        for (Object bin : (List<?>) l.get("histogram")) {
            Map<?, ?> b = (Map<?, ?>) bin;
            long expected = Arrays.stream(lengths).filter(x -> x >= (Integer) b.get("from") && x <= (Integer) b.get("to")).count();
            assertEquals(expected, ((Number) b.get("count")).longValue(), b.toString());
            binned += expected;
        }
        assertEquals(n, binned);
        assertEquals(20, ((List<?>) l.get("histogram")).size());
        assertEquals("string", json.get("label_type"));

        SplitRule rule = SplitRule.byFractions(0.2, 0.25, 7);
        Map<Split, long[]> expected = new HashMap<>();
        Map<Split, Integer> sizes = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Split split = rule.byHash(String.format("img-%04d", i));
            expected.computeIfAbsent(split, s -> new long[10])[sorted.indexOf(DIGITS[SequenceTables.images().label(i)])]++;
            sizes.merge(split, 1, Integer::sum);
        }
        assertTrue(sizes.get(Split.VALIDATION) > 50 && sizes.get(Split.TEST) > 70, sizes.toString());
        for (Split split : Split.values()) {
            assertArrayEquals(expected.get(split), info.counts(split), split.dir());
            Map<String, LabeledSequence> read = shards(out, split, 1);
            assertEquals(sizes.get(split), read.size());
            for (LabeledSequence s : read.values()) {
                int i = Integer.parseInt(s.id().substring(4));
                assertEquals(split, rule.byHash(s.id()));
                assertEquals(sorted.indexOf(DIGITS[SequenceTables.images().label(i)]), s.label());
                assertEquals(SequenceTables.cropLength(i), s.length());
                assertArrayEquals(SequenceTables.cropped(i).stream().mapToDouble(Double::doubleValue).toArray(), s.values(), 0.0);
            }
        }
    }

    /** Flattened images as Spark ML vectors, --feature-size 28, one input per split, long labels. */
    @Test
    void vectorsWithSeparateInputs() throws Exception {
        var schema = SequenceTables.schema("features", SequenceTables.vectorType(), "label", DataTypes.LongType);
        Map<Split, int[]> ranges = Map.of(Split.TRAIN, new int[] {0, 150}, Split.VALIDATION, new int[] {150, 200},
                Split.TEST, new int[] {200, 240});
        Map<Split, Path> inputs = new TreeMap<>();
        for (Split split : Split.values()) {
            List<Row> rows = new ArrayList<>();
            for (int i = ranges.get(split)[0]; i < ranges.get(split)[1]; i++) {
                rows.add(SequenceTables.row(SequenceTables.vector(i), (long) SequenceTables.images().label(i)));
            }
            inputs.put(split, SequenceTables.write(spark, tmp.resolve("vectors-" + split.dir()), schema, rows, 1));
        }
        Path out = tmp.resolve("vectors-prepared");
        JobAssertions.Outcome o = JobAssertions.capture(() -> prepare("--format", "parquet",
                "--input", inputs.get(Split.TRAIN).toString(), "--input-validation", inputs.get(Split.VALIDATION).toString(),
                "--input-test", inputs.get(Split.TEST).toString(), "--sequence-col", "features", "--label-col", "label",
                "--feature-size", "28", "--out", out.toString(), "--shards", "1"));
        assertEquals(0, o.code(), o.stderr());

        DatasetInfo info = DatasetInfo.read(hpath(out), new Configuration());
        assertEquals(28, info.k());
        assertEquals(28, info.tMax());
        for (Split split : Split.values()) {
            int[] r = ranges.get(split);
            assertArrayEquals(digitCounts(r[0], r[1]), info.counts(split), split.dir());
            Map<String, LabeledSequence> read = shards(out, split, 28);
            assertEquals(r[1] - r[0], read.size());
            for (int i = r[0]; i < r[1]; i++) {
                LabeledSequence s = read.get(Integer.toString(i)); // row numbers run on across the inputs
                assertEquals(SequenceTables.images().label(i), s.label());
                double[] pixels = new double[784];
                for (int p = 0; p < 784; p++) {
                    pixels[p] = (SequenceTables.images().pixels(i)[p] & 0xFF) / 255.0;
                }
                assertArrayEquals(pixels, s.values(), 0.0);
            }
        }
        Map<String, Object> run = RunInfo.readJson(hpath(out.resolve("run.json")), new Configuration());
        Map<?, ?> recorded = (Map<?, ?>) run.get("inputs");
        assertEquals(List.of("input", "input-validation", "input-test"), new ArrayList<>(recorded.keySet()));
        Map<?, ?> source = (Map<?, ?>) RunInfo.readJson(hpath(out.resolve("dataset.json")), new Configuration()).get("source");
        assertEquals("parquet", source.get("format"));
        assertEquals(recorded, source.get("inputs"));
    }

    /** A split that gets no rows (--validation-fraction 0) still has shards, with the schema and no rows. */
    @Test
    void anEmptySplitHasReadableShards() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(SequenceTables.row(SequenceTables.cropped(i), SequenceTables.images().label(i) % 2));
        }
        Path input = SequenceTables.write(spark, tmp.resolve("no-validation.parquet"), SequenceTables.schema(
                "pixels", SequenceTables.FLAT_DOUBLE, "odd", DataTypes.IntegerType), rows, 1);
        Path out = tmp.resolve("no-validation-prepared");
        JobAssertions.Outcome o = JobAssertions.capture(() -> prepare("--format", "parquet", "--input", input.toString(),
                "--sequence-col", "pixels", "--label-col", "odd", "--validation-fraction", "0", "--test-fraction", "0.3",
                "--out", out.toString(), "--shards", "2"));
        assertEquals(0, o.code(), o.stderr());
        DatasetInfo info = DatasetInfo.read(hpath(out), new Configuration());
        assertArrayEquals(new long[2], info.counts(Split.VALIDATION));
        assertEquals(0, SequenceShards.read(spark, hpath(out), Split.VALIDATION, 1).count());
        assertEquals(30, SequenceShards.read(spark, hpath(out), Split.TRAIN, 1).count()
                + SequenceShards.read(spark, hpath(out), Split.TEST, 1).count());
    }

    private static long[] digitCounts(int from, int to) {
        long[] c = new long[10];
        for (int i = from; i < to; i++) {
            c[SequenceTables.images().label(i)]++;
        }
        return c;
    }
}
