package ai.laes.jobs;

import static ai.laes.jobs.JobAssertions.assertInputError;
import static ai.laes.jobs.JobAssertions.capture;
import static ai.laes.jobs.JobAssertions.listing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid job on real (prepared) MNIST, tiny: 4 configurations (learning rate x detach probability) of an LMN of
 * size 8 on the last 28 steps of 128 sequences, 2 epochs. The session is local[2,3]: Spark retries a failed task
 * (plain local[N] does not).
 */
class GridJobTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String GRID = "init-scheme = [random]\nlearning-rate = [0.05, 0.005]\ndetach-probability = [0, 0.5]\nbatch-size = [16]\n";
    @TempDir
    static Path tmp;
    static SparkSession spark;
    static Path prepared;
    static Path gridFile;
    static Path out;
    static JobAssertions.Outcome run;

    static int grid(String... args) {
        return grid(spark, args);
    }

    /** Runs the grid job in this JVM on {@code session}; its exit code. */
    static int grid(SparkSession session, String... args) {
        return JobLauncher.execute("grid", new GridOptions(), args, GridJob::run, session);
    }

    static String[] small(Path out, String... more) {
        return small(out, gridFile, more);
    }

    static String[] small(Path out, Path grid, String... more) {
        return tiny(prepared, out, grid, 128, 2, more);
    }

    /** The options of a tiny pMNIST grid: the first {@code limit} images of each split, their last 28 steps, an LMN of size 8. */
    static String[] tiny(Path prepared, Path out, Path grid, int limit, int epochs, String... more) {
        List<String> a = new ArrayList<>(List.of("--data", prepared.toString(), "--out", out.toString(), "--grid", grid.toString(),
                "--limit", String.valueOf(limit), "--crop-steps", "28", "--hidden", "8", "--epochs", String.valueOf(epochs),
                "--eval-batch-size", "64", "--task", "pmnist"));
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    @BeforeAll
    static void prepareAndRun() throws IOException {
        spark = SparkSession.builder().master("local[2,3]").appName("laes-grid-test").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
        prepared = SmallPrepared.create(spark, tmp.resolve("prepared"), 128);
        gridFile = tmp.resolve("grid.conf");
        Files.writeString(gridFile, GRID);
        out = tmp.resolve("grid");
        run = capture(() -> grid(small(out)));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void selectsTheLowestValidationLossAndTestsOnlyIt() throws IOException {
        assertEquals(0, run.code(), run.stderr());
        for (String f : List.of("_SUCCESS", "run.json", "grid.csv", "validation_curves.png", "best/model.zip", "best/evaluation.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        List<String[]> rows = rows(out);
        assertEquals(4, rows.size());
        List<String> ids = rows.stream().map(r -> r[0]).toList();
        assertEquals(List.of("initrandom-lr0.05-dp0-bs16", "initrandom-lr0.05-dp0.5-bs16", "initrandom-lr0.005-dp0-bs16",
                "initrandom-lr0.005-dp0.5-bs16"), ids);
        String header = Files.readAllLines(out.resolve("grid.csv")).get(0);
        int lossColumn = Arrays.asList(header.split(",")).indexOf("best_val_loss");
        int epochColumn = Arrays.asList(header.split(",")).indexOf("best_epoch");
        String selected = null;
        double lowest = Double.POSITIVE_INFINITY;
        for (String[] row : rows) {
            // Each row's best is the lowest validation loss among its start (epoch 0) and its 2 epochs.
            List<Double> curve = curve(out.resolve("runs").resolve(row[0]));
            assertEquals(3, curve.size(), row[0]);
            double min = curve.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            assertEquals(min, Double.parseDouble(row[lossColumn]), 0.0, row[0]);
            assertEquals(curve.indexOf(min), Integer.parseInt(row[epochColumn]), row[0]);
            if (min < lowest) {
                lowest = min;
                selected = row[0];
            }
        }
        assertEquals(4, new java.util.HashSet<>(rows.stream().map(r -> r[lossColumn]).toList()).size(),
                "the configurations differ: " + Files.readString(out.resolve("grid.csv")));
        JsonNode evaluation = JSON.readTree(out.resolve("best/evaluation.json").toFile());
        assertEquals(selected, evaluation.get("configuration").asText());
        assertEquals(128, evaluation.get("examples").asInt());
        assertEquals(lowest, evaluation.get("best_val_loss").asDouble(), 0.0);
        int bestEpoch = evaluation.get("best_epoch").asInt();
        assertArrayEquals(params(out.resolve(String.format("runs/%s/checkpoints/epoch-%03d.zip", selected, bestEpoch))),
                params(out.resolve("best/model.zip")), "best/ holds the selected configuration's best network");
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(List.of(out.resolve("best/evaluation.json")),
                    files.filter(p -> p.getFileName().toString().equals("evaluation.json")).toList(), "only the selected one is tested");
        }
        JsonNode info = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals(4, info.get("configurations").asInt());
        assertEquals(selected, info.get("selected").get("configuration").asText());
        assertFalse(Files.exists(tmp.resolve(".grid.inprogress")));
        JobAssertions.assertNoMachineDetails(out, prepared.toString(), out.toString(), gridFile.toString());
    }

    @Test
    void aFailedTaskIsRetriedAndResumesFromItsCheckpoint() throws IOException {
        assertEquals(0, run.code(), run.stderr());
        Path retried = tmp.resolve("retried");
        String victim = "initrandom-lr0.005-dp0.5-bs16";
        System.setProperty(GridTask.FAIL_ONCE, victim);
        JobAssertions.Outcome o;
        try {
            o = capture(() -> grid(small(retried)));
        } finally {
            System.clearProperty(GridTask.FAIL_ONCE);
        }
        assertEquals(0, o.code(), o.stderr());
        Path dir = retried.resolve("runs").resolve(victim);
        Path marker = dir.resolve(GridTask.FAILED_MARKER);
        assertTrue(Files.exists(marker), "the first attempt failed");
        // Resumed, not restarted: the epoch-1 checkpoint is the one written before the failure.
        assertTrue(Files.getLastModifiedTime(dir.resolve("checkpoints/epoch-001.json")).compareTo(Files.getLastModifiedTime(marker)) <= 0);
        assertTrue(Files.getLastModifiedTime(dir.resolve("checkpoints/epoch-002.json")).compareTo(Files.getLastModifiedTime(marker)) >= 0);
        assertEquals(List.of(1, 2), JSON.readValues(JSON.createParser(dir.resolve("metrics.jsonl").toFile()), JsonNode.class)
                .readAll().stream().map(n -> n.get("epoch").asInt()).toList());
        assertEquals(withoutSeconds(rows(out)), withoutSeconds(rows(retried)), "the same grid as without the failure");
    }

    @Test
    void printsHelpAndRefusesBadOptions() throws IOException {
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream help = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(help, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(0, grid("--help"));
        } finally {
            System.setOut(old);
        }
        assertTrue(help.toString(java.nio.charset.StandardCharsets.UTF_8).contains("--grid=FILE"), help.toString());
        assertTrue(help.toString(java.nio.charset.StandardCharsets.UTF_8).contains("--best-per=OPTION"), help.toString());
        Path parent = tmp.resolve("refused-options");
        Files.createDirectories(parent);
        List<String> before = listing(parent);
        assertInputError(capture(() -> grid(small(parent.resolve("g"), "--parallel", "-1"))), parent, before, "--parallel -1");
        // A value the grid file allows but the fine-tune options refuse for this model: named with its configuration.
        Path lstm = tmp.resolve("lstm.conf");
        Files.writeString(lstm, "orthogonality-penalty = [0, 0.1]\n");
        assertInputError(capture(() -> grid(small(parent.resolve("g"), lstm, "--model", "lstm"))), parent, before,
                "--grid " + lstm, "configuration op0.1", "apply to the LMN only");
    }

    @Test
    void refusesABadGridFile() throws IOException {
        Path bad = tmp.resolve("bad.conf");
        Files.writeString(bad, "learning-rate = [0.01]\nmomentum = [0.9]\n");
        Path parent = tmp.resolve("refused");
        Files.createDirectories(parent);
        List<String> before = listing(parent);
        assertInputError(capture(() -> grid(small(parent.resolve("g"), bad))), parent, before,
                "--grid " + bad, "momentum", "unknown option");
        Files.writeString(bad, "learning-rate = [0.01]\ndetach-probability = []\n");
        assertInputError(capture(() -> grid(small(parent.resolve("g"), bad))), parent, before,
                "--grid " + bad, "detach-probability", "empty list");
    }

    static List<String[]> rows(Path grid) throws IOException {
        List<String> lines = Files.readAllLines(grid.resolve("grid.csv"));
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
    }

    static List<String> withoutSeconds(List<String[]> rows) {
        return rows.stream().map(r -> String.join(",", Arrays.copyOf(r, r.length - 1))).toList();
    }

    /** Validation loss per epoch, the start first. */
    static List<Double> curve(Path run) throws IOException {
        List<Double> out = new ArrayList<>();
        out.add(JSON.readTree(run.resolve("initial.json").toFile()).get("val_loss").asDouble());
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            out.add(JSON.readTree(line).get("val_loss").asDouble());
        }
        return out;
    }

    static float[] params(Path zip) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(new File(zip.toString()), false).params().toFloatVector();
    }
}
