package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ai.laes.spark.SparkTestBase;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grid whose driver is killed once a configuration has finished, then resumed with --resume, ends with the same
 * grid.csv as an uninterrupted run (all but the seconds), and the finished configuration is not trained again. Each
 * interrupted run is a real child JVM on local[1] (GridJob.main, as spark-submit would start it), the kill is
 * destroyForcibly; the uninterrupted run is in this JVM on local[2].
 */
class GridResumeTest extends SparkTestBase {
    @TempDir
    static Path tmp;
    static Path prepared;
    static Path gridFile;

    @BeforeAll
    static void prepareSmallMnist() throws IOException {
        prepared = SmallPrepared.create(spark, tmp.resolve("prepared"), 128);
        gridFile = tmp.resolve("grid.conf");
        Files.writeString(gridFile, "init-scheme = [random]\nlearning-rate = [0.05, 0.005]\ndetach-probability = [0, 0.5]\nbatch-size = [16]\n");
    }

    static List<String> args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--data", prepared.toString(), "--out", out.toString(), "--grid", gridFile.toString(),
                "--limit", "128", "--crop-steps", "28", "--hidden", "8", "--epochs", "4", "--eval-batch-size", "64", "--seed", "7"));
        a.addAll(Arrays.asList(more));
        return a;
    }

    static Process start(String name, List<String> args) throws IOException {
        return ChildJvm.start(GridJob.class, tmp.resolve(name + ".log"), Map.of(), args);
    }

    static void finish(Process p, String name) throws Exception {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " timed out");
        assertEquals(0, p.exitValue(), name + ": " + ChildJvm.tail(tmp.resolve(name + ".log"), 15));
    }

    @Test
    void resumedGridEqualsUninterruptedGrid() throws Exception {
        Path a = tmp.resolve("uninterrupted");
        Path b = tmp.resolve("killed");
        // In this JVM on local[2]: each configuration trains alone on one core, so the parallelism does not matter.
        JobAssertions.Outcome uninterrupted = JobAssertions.capture(
                () -> JobLauncher.execute("grid", new GridOptions(), args(a).toArray(new String[0]), GridJob::run, spark));
        assertEquals(0, uninterrupted.code(), uninterrupted.stderr());

        Process victim = start("killed", args(b));
        Path runs = tmp.resolve(".killed.inprogress").resolve("runs");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        List<Path> done = List.of();
        while (done.isEmpty() && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            done = doneFiles(runs);
        }
        assertTrue(victim.isAlive(), "killed before it finished: " + ChildJvm.tail(tmp.resolve("killed.log"), 15));
        victim.destroyForcibly().waitFor();
        done = doneFiles(runs);
        assertFalse(Files.exists(b), "nothing committed");
        assertTrue(done.size() >= 1 && done.size() < 4, "killed mid-grid: " + done);
        Path finished = done.get(0);
        String finishedId = finished.getParent().getFileName().toString();
        FileTime finishedAt = Files.getLastModifiedTime(finished);

        finish(start("resumed", args(b, "--resume")), "resumed");
        String log = Files.readString(tmp.resolve("resumed.log"));
        assertTrue(log.contains("grid " + finishedId + ": finished before, kept"), ChildJvm.tail(tmp.resolve("resumed.log"), 30));
        assertFalse(log.contains("grid " + finishedId + " epoch 1/4: train loss"), "the finished configuration was trained again");
        assertEquals(finishedAt, Files.getLastModifiedTime(b.resolve("runs").resolve(finishedId).resolve(GridTask.DONE)));
        assertEquals(GridJobTest.withoutSeconds(GridJobTest.rows(a)), GridJobTest.withoutSeconds(GridJobTest.rows(b)));
        assertEquals(4, GridJobTest.rows(b).size());
        JsonNode ea = GridJobTest.JSON.readTree(a.resolve("best/evaluation.json").toFile());
        JsonNode eb = GridJobTest.JSON.readTree(b.resolve("best/evaluation.json").toFile());
        for (String key : List.of("configuration", "best_epoch", "best_val_loss", "accuracy", "confusion_matrix")) {
            assertEquals(ea.get(key), eb.get(key), key);
        }
        // The test loss is summed over Spark partitions: local[2] and local[1] add in another order.
        assertEquals(ea.get("loss").asDouble(), eb.get("loss").asDouble(), 1e-12);
        assertTrue(Files.exists(b.resolve("_SUCCESS")));
    }

    /** {@link #args} with {@code --epochs epochs}. */
    static String[] withEpochs(Path out, int epochs, String... more) {
        List<String> a = new ArrayList<>(args(out, more));
        a.set(a.indexOf("--epochs") + 1, String.valueOf(epochs));
        return a.toArray(new String[0]);
    }

    static JobAssertions.Outcome grid(String[] args) {
        return JobAssertions.capture(() -> JobLauncher.execute("grid", new GridOptions(), args, GridJob::run, spark));
    }

    @Test
    void aLargerEpochBudgetContinuesAFinishedGridAndASmallerOneIsRefused() throws Exception {
        Path whole = tmp.resolve("two-epochs");
        Path grown = tmp.resolve("grown");
        assertEquals(0, grid(withEpochs(whole, 2)).code());
        JobAssertions.Outcome first = grid(withEpochs(grown, 1));
        assertEquals(0, first.code(), first.stderr());
        List<String> ids = GridJobTest.rows(grown).stream().map(r -> r[0]).toList();
        Path epochOne = grown.resolve("runs").resolve(ids.get(0)).resolve("checkpoints").resolve("epoch-001.zip");
        FileTime trainedAt = Files.getLastModifiedTime(epochOne);

        JobAssertions.Outcome more = grid(withEpochs(grown, 2, "--resume"));
        assertEquals(0, more.code(), more.stderr());
        assertTrue(Files.exists(grown.resolve("_SUCCESS")));
        assertFalse(Files.exists(tmp.resolve(".grown.inprogress")), "committed again");
        assertEquals(trainedAt, Files.getLastModifiedTime(epochOne), "epoch 1 was not trained again");
        assertEquals(GridJobTest.withoutSeconds(GridJobTest.rows(whole)), GridJobTest.withoutSeconds(GridJobTest.rows(grown)));
        for (String id : ids) {
            List<Double> curve = GridJobTest.curve(grown.resolve("runs").resolve(id));
            assertEquals(3, curve.size(), id + ": the start and 2 epochs");
            assertEquals(GridJobTest.curve(whole.resolve("runs").resolve(id)), curve, id);
        }
        JsonNode ea = GridJobTest.JSON.readTree(whole.resolve("best/evaluation.json").toFile());
        JsonNode eb = GridJobTest.JSON.readTree(grown.resolve("best/evaluation.json").toFile());
        assertEquals(ea.get("configuration"), eb.get("configuration"));
        assertEquals(ea.get("best_epoch"), eb.get("best_epoch"));
        assertEquals(ea.get("accuracy"), eb.get("accuracy"));

        List<String> before = JobAssertions.listing(tmp);
        List<String> inside = JobAssertions.listing(grown);
        JobAssertions.assertInputError(grid(withEpochs(grown, 1, "--resume")), tmp, before,
                "--resume: --epochs 1 is fewer than the 2 the run at", "was given");
        assertEquals(inside, JobAssertions.listing(grown), "the finished grid is untouched");
    }

    private static List<Path> doneFiles(Path runs) throws IOException {
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.map(r -> r.resolve(GridTask.DONE)).filter(Files::exists).toList();
        }
    }
}
