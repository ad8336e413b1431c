package ai.laes.jobs;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.laes.spark.SparkTestBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver killed mid-run and restarted with --resume finishes with the same metrics and the same
 * final parameters, bit for bit, as an uninterrupted run: each run is a real child JVM on
 * local[1] (FinetuneJob.main, as spark-submit would start it), and the kill is destroyForcibly.
 */
class FinetuneResumeTest extends SparkTestBase {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static Path prepared;

    @BeforeAll
    static void prepareSmallMnist() {
        prepared = SmallPrepared.create(spark, tmp.resolve("prepared"), 256);
    }

    static String[] args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--data", prepared.toString(), "--out", out.toString(), "--epochs", "2",
                "--limit", "256", "--crop-steps", "28", "--hidden", "8", "--batch-size", "32", "--averaging-frequency", "2",
                "--learning-rate", "0.01", "--task", "pmnist", "--probe-epochs", "all", "--seed", "5"));
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    /** Starts FinetuneJob.main in a new JVM with this JVM's flags, on local[1]. */
    static Process start(String name, String... jobArgs) throws IOException {
        return ChildJvm.start(FinetuneJob.class, tmp.resolve(name + ".log"), Map.of(), Arrays.asList(jobArgs));
    }

    static void finish(Process p, String name) throws Exception {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " timed out");
        assertEquals(0, p.exitValue(), name + ": " + tail(name));
    }

    static String tail(String name) throws IOException {
        return ChildJvm.tail(tmp.resolve(name + ".log"), 15);
    }

    @Test
    void resumedRunEqualsUninterruptedRunBitForBit() throws Exception {
        Path a = tmp.resolve("uninterrupted");
        Path b = tmp.resolve("killed");
        Process first = start("uninterrupted", args(a));
        finish(first, "uninterrupted");

        Process victim = start("killed", args(b));
        Path progress = tmp.resolve(".killed.inprogress");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!Files.exists(progress.resolve("checkpoints/epoch-001.json")) && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(victim.isAlive(), "killed before it finished: " + tail("killed"));
        victim.destroyForcibly().waitFor();
        assertFalse(Files.exists(b), "nothing committed");
        assertFalse(Files.exists(progress.resolve("checkpoints/epoch-002.json")), "killed mid-run");

        finish(start("resumed", args(b, "--resume")), "resumed");
        assertTrue(Files.readString(tmp.resolve("resumed.log")).contains("Resuming"), tail("resumed"));

        List<JsonNode> ma = metrics(a);
        List<JsonNode> mb = metrics(b);
        assertEquals(2, ma.size());
        assertEquals(2, mb.size());
        for (int e = 0; e < 2; e++) {
            assertEquals(e + 1, mb.get(e).get("epoch").asInt());
            for (String key : new String[] {"epoch", "train_loss", "val_loss", "val_accuracy"}) {
                assertEquals(ma.get(e).get(key).asDouble(), mb.get(e).get(key).asDouble(), 0.0, key + " of epoch " + (e + 1));
            }
        }
        assertEquals(Files.readAllLines(a.resolve("gradients.csv")), Files.readAllLines(b.resolve("gradients.csv")));
        assertEquals(1 + 2 * 28, Files.readAllLines(b.resolve("gradients.csv")).size());
        assertArrayEquals(params(a, "model/final.zip"), params(b, "model/final.zip"), "final parameters, bit for bit");
        assertArrayEquals(params(a, "model/best.zip"), params(b, "model/best.zip"));
        assertEquals(JSON.readTree(a.resolve("evaluation.json").toFile()), JSON.readTree(b.resolve("evaluation.json").toFile()));
        assertTrue(Files.exists(b.resolve("_SUCCESS")));
        assertFalse(Files.exists(progress));
    }

    /**
     * {@link #args} with {@code --epochs epochs} (and {@code more}), one worker: in this JVM on local[2] two workers' scores
     * are averaged in the order their tasks finish, which moves the training loss in its last bits.
     */
    static String[] withEpochs(Path out, int epochs, String... more) {
        List<String> a = new ArrayList<>(Arrays.asList(JobAssertions.withOption(args(out, more), "--epochs", epochs)));
        a.addAll(List.of("--workers", "1"));
        return a.toArray(new String[0]);
    }

    static JobAssertions.Outcome finetune(String[] args) {
        return JobAssertions.capture(() -> JobLauncher.execute("finetune", new FinetuneOptions(), args, FinetuneJob::run, spark));
    }

    @Test
    void aLargerEpochBudgetContinuesAFinishedRunAsIfItHadBeenGivenItAtTheStart() throws Exception {
        Path whole = tmp.resolve("two-at-once");
        Path grown = tmp.resolve("one-then-two");
        assertEquals(0, finetune(withEpochs(whole, 2)).code());
        assertEquals(0, finetune(withEpochs(grown, 1)).code());
        assertEquals(1, metrics(grown).size());
        JobAssertions.Outcome same = finetune(withEpochs(grown, 1, "--resume"));
        assertEquals(0, same.code(), same.stderr());
        assertTrue(same.stderr().contains("already complete; nothing to resume"), same.stderr());

        JobAssertions.Outcome more = finetune(withEpochs(grown, 2, "--resume"));
        assertEquals(0, more.code(), more.stderr());
        assertEquals(metrics(whole).size(), metrics(grown).size());
        // The training is bit for bit (the parameters below). The validation and test losses moved in the ninth digit
        // (1e-10 to 3e-9 relative): --limit's sort samples its partition bounds with a seed from the RDD's id, so the
        // second run in this JVM cuts its evaluation minibatches elsewhere (docs/CHANGELOG.md, 2026-12-08).
        for (int e = 0; e < 2; e++) {
            for (String key : new String[] {"epoch", "train_loss", "val_loss", "val_accuracy"}) {
                double expected = metrics(whole).get(e).get(key).asDouble();
                assertEquals(expected, metrics(grown).get(e).get(key).asDouble(), 1e-7 * Math.abs(expected), key + " of epoch " + (e + 1));
            }
        }
        assertArrayEquals(params(whole, "model/final.zip"), params(grown, "model/final.zip"), "final parameters, bit for bit");
        JsonNode ew = JSON.readTree(whole.resolve("evaluation.json").toFile());
        JsonNode eg = JSON.readTree(grown.resolve("evaluation.json").toFile());
        for (String key : List.of("best_epoch", "accuracy", "confusion_matrix")) {
            assertEquals(ew.get(key), eg.get(key), key);
        }
        assertEquals(ew.get("loss").asDouble(), eg.get("loss").asDouble(), 1e-7 * ew.get("loss").asDouble());
        assertEquals(2, JSON.readTree(grown.resolve("options.json").toFile()).get("epochs").asInt(), "the new budget saved");
        assertTrue(Files.exists(grown.resolve("_SUCCESS")));
        assertFalse(Files.exists(tmp.resolve(".one-then-two.inprogress")));

        List<String> before = JobAssertions.listing(tmp);
        JobAssertions.assertInputError(finetune(withEpochs(grown, 1, "--resume")), tmp, before,
                "--resume: --epochs 1 is fewer than the 2 the run at");
    }

    static List<JsonNode> metrics(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    static float[] params(Path run, String file) throws IOException {
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new File(run.resolve(file).toString()), false);
        return net.params().toFloatVector();
    }
}
