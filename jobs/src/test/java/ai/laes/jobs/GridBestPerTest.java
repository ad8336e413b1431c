package ai.laes.jobs;

import static ai.laes.jobs.JobAssertions.assertInputError;
import static ai.laes.jobs.JobAssertions.capture;
import static ai.laes.jobs.JobAssertions.listing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.laes.data.MnistImages;
import ai.laes.data.Permutation;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code --best-per init-scheme} on a tiny grid of real (prepared) MNIST: 2 initialisation schemes x 2 learning rates of
 * an LMN of size 8 on the last 28 steps of 48 pMNIST sequences, 1 epoch. Each value's selection is checked against
 * grid.csv, its test evaluation against one computed here without the job's code (DL4J's forward pass over the raw
 * t10k images), a resumed grid against the uninterrupted one, and a bad option name against the bad-input contract.
 */
class GridBestPerTest extends SparkTestBase {
    static final int N = 48;
    /** The steps {@link GridJobTest#tiny} keeps. */
    static final int STEPS = 28;
    static final String OPTION = "init-scheme";
    static final List<String> VALUES = List.of("orthogonal", "random");
    @TempDir
    static Path tmp;
    static Path prepared;
    static Path gridFile;
    static Path out;
    static JobAssertions.Outcome run;

    static int grid(String... args) {
        return GridJobTest.grid(spark, args);
    }

    static String[] args(Path out, String... more) {
        return GridJobTest.tiny(prepared, out, gridFile, N, 1, more);
    }

    @BeforeAll
    static void prepareAndRun() throws IOException {
        prepared = SmallPrepared.create(spark, tmp.resolve("prepared"), N);
        gridFile = tmp.resolve("grid.conf");
        Files.writeString(gridFile, OPTION + " = [" + String.join(", ", VALUES) + "]\nlearning-rate = [0.05, 0.005]\nbatch-size = [16]\n");
        out = tmp.resolve("grid");
        run = capture(() -> grid(args(out, "--best-per", OPTION)));
    }

    @Test
    void selectsEachValuesLowestValidationLossOfGridCsv() throws IOException {
        assertEquals(0, run.code(), run.stderr());
        Map<String, String[]> expected = lowestPerValue(Table.read(out.resolve("grid.csv")));
        Table table = Table.read(out.resolve("best_per_init_scheme.csv"));
        assertEquals(VALUES, table.rows().stream().map(r -> table.get(r, "value")).toList());
        JsonNode recorded = GridJobTest.JSON.readTree(out.resolve("run.json").toFile()).get("best_per");
        assertEquals(OPTION, recorded.get("option").asText());
        for (int i = 0; i < VALUES.size(); i++) {
            String value = VALUES.get(i);
            String[] row = table.rows().get(i);
            String[] lowest = expected.get(value);
            String id = lowest[0];
            assertEquals(id, table.get(row, "configuration"), value);
            assertEquals(value, table.get(row, OPTION), value);
            for (String column : List.of("learning-rate", "best_epoch", "best_val_loss", "best_val_accuracy")) {
                assertEquals(Table.read(out.resolve("grid.csv")).get(lowest, column), table.get(row, column), value + " " + column);
            }
            Path dir = out.resolve("best-per-" + OPTION).resolve(value);
            JsonNode evaluation = GridJobTest.JSON.readTree(dir.resolve("evaluation.json").toFile());
            assertEquals(id, evaluation.get("configuration").asText());
            assertEquals(value, evaluation.get("options").get(OPTION).asText());
            assertEquals(Double.parseDouble(table.get(row, "test_loss")), evaluation.get("loss").asDouble(), 0.0);
            assertEquals(Double.parseDouble(table.get(row, "test_accuracy")), evaluation.get("accuracy").asDouble(), 0.0);
            assertArrayEquals(GridJobTest.params(out.resolve(String.format("runs/%s/checkpoints/epoch-%03d.zip", id,
                    Integer.parseInt(table.get(row, "best_epoch"))))), GridJobTest.params(dir.resolve("model.zip")), "the best checkpoint");
            JsonNode entry = recorded.get("values").get(i);
            assertEquals(value, entry.get("value").asText());
            assertEquals(id, entry.get("configuration").asText());
            assertEquals(evaluation.get("accuracy"), entry.get("test_accuracy"));
        }
    }

    @Test
    void eachTestEvaluationMatchesAnIndependentOneAndTheOverallBest() throws IOException {
        assertEquals(0, run.code(), run.stderr());
        JsonNode best = GridJobTest.JSON.readTree(out.resolve("best/evaluation.json").toFile());
        int coincide = 0;
        for (String value : VALUES) {
            Path dir = out.resolve("best-per-" + OPTION).resolve(value);
            JsonNode evaluation = GridJobTest.JSON.readTree(dir.resolve("evaluation.json").toFile());
            double[] independent = lossAndAccuracy(dir.resolve("model.zip"));
            assertEquals(N, evaluation.get("examples").asInt(), value);
            assertEquals(independent[1], evaluation.get("accuracy").asDouble(), 1e-12, value + " test accuracy");
            assertEquals(independent[0], evaluation.get("loss").asDouble(), 1e-5, value + " test loss");
            if (evaluation.get("configuration").equals(best.get("configuration"))) {
                coincide++;
                for (String key : List.of("best_epoch", "best_val_loss", "accuracy", "loss", "confusion_matrix")) {
                    assertEquals(best.get(key), evaluation.get(key), value + ": as best/ " + key);
                }
            }
        }
        assertEquals(1, coincide, "the overall best is the best of its own value");
    }

    @Test
    void aResumedGridComputesOnlyTheMissingEvaluations() throws IOException {
        assertEquals(0, run.code(), run.stderr());
        // A driver killed during the per-value evaluations: training done, best/ and the first value's folder written.
        Path resumed = tmp.resolve("resumed");
        Path work = tmp.resolve(".resumed.inprogress");
        copyTree(out, work);
        for (String f : List.of("_SUCCESS", "run.json", "best_per_init_scheme.csv", "best-per-" + OPTION + "/random/evaluation.json")) {
            Files.delete(work.resolve(f));
        }
        Map<Path, FileTime> kept = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(work)) {
            files.filter(p -> p.getFileName().toString().matches("done\\.json|evaluation\\.json")).forEach(p -> kept.put(work.relativize(p),
                    modified(p)));
        }
        assertEquals(4 + 2, kept.size(), kept.toString());

        JobAssertions.Outcome o = capture(() -> grid(args(resumed, "--best-per", OPTION, "--resume")));
        assertEquals(0, o.code(), o.stderr());
        assertFalse(Files.exists(work));
        assertTrue(Files.exists(resumed.resolve("_SUCCESS")));
        kept.forEach((p, t) -> assertEquals(t, modified(resumed.resolve(p)), p + " was redone"));
        assertEquals(Files.readString(out.resolve("best_per_init_scheme.csv")), Files.readString(resumed.resolve("best_per_init_scheme.csv")));
        JsonNode a = GridJobTest.JSON.readTree(out.resolve("best-per-" + OPTION + "/random/evaluation.json").toFile());
        JsonNode b = GridJobTest.JSON.readTree(resumed.resolve("best-per-" + OPTION + "/random/evaluation.json").toFile());
        assertEquals(a, b);
        // The missing evaluation is evaluated on Spark only if it is not the overall best's (kept in best/).
        JsonNode best = GridJobTest.JSON.readTree(resumed.resolve("best/evaluation.json").toFile());
        JsonNode seconds = GridJobTest.JSON.readTree(resumed.resolve("run.json").toFile()).get("seconds");
        assertFalse(seconds.has("grid: test the selected configuration"), seconds.toString());
        assertEquals(!b.get("configuration").equals(best.get("configuration")), seconds.has("grid: test the best per " + OPTION),
                seconds.toString());
    }

    @Test
    void refusesAnOptionThatIsUnknownOrNotInTheGrid() throws IOException {
        Path parent = tmp.resolve("refused");
        Files.createDirectories(parent);
        List<String> before = listing(parent);
        assertInputError(capture(() -> grid(args(parent.resolve("g"), "--best-per", "momentum"))), parent, before,
                "--best-per momentum", "unknown option", "learning-rate");
        assertInputError(capture(() -> grid(args(parent.resolve("g"), "--best-per", "weight-decay"))), parent, before,
                "--best-per weight-decay", "--grid " + gridFile, "not an option of this grid");
    }

    /** Per value of {@link #OPTION}, the grid.csv row with the lowest best_val_loss, the first in file order on a tie. */
    static Map<String, String[]> lowestPerValue(Table grid) {
        Map<String, String[]> lowest = new LinkedHashMap<>();
        for (String[] row : grid.rows()) {
            String value = grid.get(row, OPTION);
            double loss = Double.parseDouble(grid.get(row, "best_val_loss"));
            if (!lowest.containsKey(value) || loss < Double.parseDouble(grid.get(lowest.get(value), "best_val_loss"))) {
                lowest.put(value, row);
            }
        }
        assertEquals(VALUES, List.copyOf(lowest.keySet()));
        return lowest;
    }

    /**
     * Mean cross-entropy and accuracy of the network in {@code zip} on the first {@link #N} t10k images, computed here:
     * the raw MNIST pixels, the prepared permutation (seed 1234), the last {@link #STEPS} steps, DL4J's forward pass.
     */
    static double[] lossAndAccuracy(Path zip) throws IOException {
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        MnistImages test = MnistImages.read(new org.apache.hadoop.fs.Path(TestData.mnistDir().toUri()), "t10k", new Configuration());
        int[] order = Permutation.fromSeed(1234, MnistImages.PIXELS);
        float[][][] x = new float[N][1][STEPS];
        for (int i = 0; i < N; i++) {
            byte[] pixels = test.pixels(i);
            for (int t = 0; t < STEPS; t++) {
                x[i][0][t] = (pixels[order[MnistImages.PIXELS - STEPS + t]] & 0xFF) / 255f;
            }
        }
        INDArray p = net.output(Nd4j.create(x));
        double loss = 0;
        int right = 0;
        for (int i = 0; i < N; i++) {
            int label = test.label(i);
            loss -= Math.log(Math.max(p.getDouble(i, label), 1e-10));
            right += p.getRow(i).argMax().getInt(0) == label ? 1 : 0;
        }
        return new double[] {loss / N, right / (double) N};
    }

    /** A CSV with a header, read back from an output. */
    record Table(List<String> header, List<String[]> rows) {
        static Table read(Path csv) throws IOException {
            List<String> lines = Files.readAllLines(csv);
            return new Table(List.of(lines.get(0).split(",")), lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList());
        }

        String get(String[] row, String column) {
            int at = header.indexOf(column);
            assertTrue(at >= 0, column + " in " + header);
            return row[at];
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
