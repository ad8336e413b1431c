package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-Xmx") && !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx2g", "-Dspark.master=local[1]", "-Dspark.ui.enabled=false",
                "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1"));
        String log4j = System.getProperty("log4j2.configurationFile");
        if (log4j != null) {
            cmd.add("-Dlog4j2.configurationFile=" + log4j);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FinetuneJob.class.getName()));
        cmd.addAll(Arrays.asList(jobArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    static void finish(Process p, String name) throws Exception {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " timed out");
        assertEquals(0, p.exitValue(), name + ": " + tail(name));
    }

    static String tail(String name) throws IOException {
        List<String> lines = Files.readAllLines(tmp.resolve(name + ".log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
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
