package ai.laes.jobs;

import static ai.laes.jobs.SequenceTables.DIGITS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.laes.io.Npy;
import ai.laes.io.RunInfo;
import ai.laes.spark.SparkTestBase;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any labelled sequences through the jobs, as a user runs them: a Parquet table made from real MNIST is prepared
 * ({@code prepare --format parquet}), pretrained and fine-tuned for an epoch from the pretraining, and the outputs have
 * the dataset's k, classes (by name in evaluation.json) and lengths: (a) images cropped to their last 20 .. 400 pixels
 * with string labels (variable lengths: end-aligned masked batches, minibatches grouped by length); (b) images row by
 * row, 28 steps of 28 features.
 */
class SequenceDatasetJobsTest extends SparkTestBase {
    @TempDir
    static Path tmp;

    static int run(String job, String... args) {
        return switch (job) {
            case "prepare" -> JobLauncher.execute(job, new PrepareOptions(), args, PrepareJob::run, spark);
            case "pretrain" -> JobLauncher.execute(job, new PretrainOptions(), args, PretrainJob::run, spark);
            default -> JobLauncher.execute(job, new FinetuneOptions(), args, FinetuneJob::run, spark);
        };
    }

    /** Prepares {@code input}, pretrains (memory size 10) and fine-tunes one epoch from it; the output directories. */
    static Path[] pipeline(String name, Path input, String labelCol) {
        Path data = tmp.resolve(name + "-prepared");
        JobAssertions.Outcome prepared = JobAssertions.capture(() -> run("prepare", "--format", "parquet", "--input", input.toString(),
                "--sequence-col", "seq", "--label-col", labelCol, "--seed", "3", "--out", data.toString()));
        assertEquals(0, prepared.code(), prepared.stderr());
        Path pre = tmp.resolve(name + "-pretrain");
        JobAssertions.Outcome pretrained = JobAssertions.capture(() -> run("pretrain", "--data", data.toString(),
                "--out", pre.toString(), "--memory-size", "10"));
        assertEquals(0, pretrained.code(), pretrained.stderr());
        Path fine = tmp.resolve(name + "-finetune");
        JobAssertions.Outcome finetuned = JobAssertions.capture(() -> run("finetune", "--data", data.toString(),
                "--init", pre.toString(), "--out", fine.toString(), "--epochs", "1", "--hidden", "10", "--limit", "150",
                "--batch-size", "16", "--averaging-frequency", "2", "--workers", "2", "--learning-rate", "0.001",
                "--eval-batch-size", "40"));
        assertEquals(0, finetuned.code(), finetuned.stderr());
        return new Path[] {data, pre, fine};
    }

    @Test
    void variableLengthsWithStringLabels() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(SequenceTables.row(SequenceTables.cropped(i), DIGITS[SequenceTables.images().label(i)]));
        }
        Path input = SequenceTables.write(spark, tmp.resolve("cropped.parquet"),
                SequenceTables.schema("seq", SequenceTables.FLAT_DOUBLE, "y", DataTypes.StringType), rows, 2);
        Path[] out = pipeline("cropped", input, "y");
        List<String> classes = List.of("eight", "five", "four", "nine", "one", "seven", "six", "three", "two", "zero");
        Map<String, Object> metrics = json(out[1].resolve("metrics.json"));
        assertNull(metrics.get("task"), "general sequences have no task");
        assertEquals(1, metrics.get("input_size"));
        assertEquals(400, metrics.get("sequence_length"), "T_max of the cropped images");
        assertTrue(((Number) metrics.get("laes_readout_test_accuracy")).doubleValue() > 0.2, metrics.toString());
        assertTrue(((Number) metrics.get("init_test_accuracy")).doubleValue() > 0.2, metrics.toString());
        Map<?, ?> dataset = (Map<?, ?>) json(out[1].resolve("run.json")).get("dataset");
        assertEquals(Map.of("layout", "sequences", "k", 1, "t_max", 400, "classes", classes), dataset);
        assertEvaluation(out[2], classes);
    }

    @Test
    void rowByRowImagesOf28Features() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(SequenceTables.row(SequenceTables.rows(i), SequenceTables.images().label(i)));
        }
        Path input = SequenceTables.write(spark, tmp.resolve("rows.parquet"),
                SequenceTables.schema("seq", SequenceTables.NESTED_FLOAT, "digit", DataTypes.IntegerType), rows, 2);
        Path[] out = pipeline("rows", input, "digit");
        Map<String, Object> metrics = json(out[1].resolve("metrics.json"));
        assertEquals(28, metrics.get("input_size"));
        assertEquals(28, metrics.get("sequence_length"));
        Configuration conf = new Configuration();
        assertEquals(List.of(10L, 28L), List.of(Npy.read(hpath(out[1].resolve("laes/A.npy")), conf).shape()[0],
                Npy.read(hpath(out[1].resolve("laes/A.npy")), conf).shape()[1]), "A is p x k");
        assertEquals(28, Npy.read(hpath(out[1].resolve("model/lmn-init/W_xh.npy")), conf).shape()[1]);
        assertTrue(((Number) metrics.get("laes_readout_test_accuracy")).doubleValue() > 0.5, metrics.toString());
        assertEvaluation(out[2], List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));

        // A pretraining of another dataset (k = 28) is refused as the start of a fine-tuning of the cropped images (k = 1).
        Path other = tmp.resolve("other-prepared");
        List<Row> cropped = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            cropped.add(SequenceTables.row(SequenceTables.cropped(i), SequenceTables.images().label(i)));
        }
        Path input2 = SequenceTables.write(spark, tmp.resolve("other.parquet"),
                SequenceTables.schema("seq", SequenceTables.FLAT_DOUBLE, "digit", DataTypes.IntegerType), cropped, 1);
        assertEquals(0, run("prepare", "--format", "parquet", "--input", input2.toString(), "--sequence-col", "seq",
                "--label-col", "digit", "--out", other.toString()));
        JobAssertions.Outcome refused = JobAssertions.capture(() -> run("finetune", "--data", other.toString(),
                "--init", out[1].toString(), "--out", tmp.resolve("refused").toString(), "--hidden", "10", "--epochs", "1"));
        assertEquals(2, refused.code(), refused.stderr());
        assertTrue(refused.stderr().contains("k = 28") && refused.stderr().contains("has k = 1"), refused.stderr());
        assertEquals(1, refused.stderr().trim().split("\n").length, refused.stderr());
    }

    /** evaluation.json names every class and counts the tested sequences. */
    static void assertEvaluation(Path fine, List<String> classes) throws IOException {
        JsonNode ev = FinetuneJobTest.JSON.readTree(fine.resolve("evaluation.json").toFile());
        assertEquals(classes.size(), ev.get("per_class").size());
        for (int c = 0; c < classes.size(); c++) {
            assertEquals(c, ev.get("per_class").get(c).get("class").asInt());
            assertEquals(classes.get(c), ev.get("per_class").get(c).get("name").asText());
        }
        assertTrue(ev.get("examples").asInt() > 0, ev.toString());
        assertTrue(Double.isFinite(ev.get("loss").asDouble()), ev.toString());
        assertTrue(Files.exists(fine.resolve("_SUCCESS")));
        Map<?, ?> dataset = (Map<?, ?>) json(fine.resolve("run.json")).get("dataset");
        assertEquals(classes, dataset.get("classes"));
        assertTrue(FinetuneJobTest.JSON.readTree(Files.readAllLines(fine.resolve("metrics.jsonl")).get(0)).get("train_loss").isNumber());
    }

    static Map<String, Object> json(Path p) {
        return RunInfo.readJson(hpath(p), new Configuration());
    }

    static org.apache.hadoop.fs.Path hpath(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }
}
