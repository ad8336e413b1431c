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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.laes.io.RunInfo;
import ai.laes.lmn.LinearMemoryLayer;
import ai.laes.spark.SparkTestBase;
import ai.laes.train.Hyperparameters;
import ai.laes.train.LstmClassifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine-tune job on real (prepared) MNIST with a tiny LSTM on short sequences, and its refusals. */
class FinetuneJobTest extends SparkTestBase {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Tiny and fast: 320 images per split, the last 28 pixels (the bottom row), hidden size 8. */
    static final String[] SMALL = {"--limit", "320", "--crop-steps", "28", "--hidden", "8", "--batch-size", "32",
        "--averaging-frequency", "2", "--learning-rate", "0.01", "--eval-batch-size", "100"};
    @TempDir
    static Path tmp;
    static Path prepared;
    static Path out;
    static JobAssertions.Outcome run;

    static int finetune(String... args) {
        return JobLauncher.execute("finetune", new FinetuneOptions(), args, FinetuneJob::run, spark);
    }

    static String[] small(String... more) {
        List<String> given = Arrays.asList(more);
        List<String> a = new ArrayList<>(given.contains("--data") ? List.of() : List.of("--data", prepared.toString()));
        for (int i = 0; i < SMALL.length; i += 2) {
            if (!given.contains(SMALL[i])) {
                a.add(SMALL[i]);
                a.add(SMALL[i + 1]);
            }
        }
        a.addAll(given);
        return a.toArray(new String[0]);
    }

    @BeforeAll
    static void prepareAndTrain() {
        prepared = SmallPrepared.create(spark, tmp.resolve("prepared"), 320);
        out = tmp.resolve("run");
        run = capture(() -> finetune(small("--out", out.toString(), "--epochs", "2", "--task", "pmnist", "--probe-epochs", "first,last")));
    }

    @Test
    void writesMetricsCheckpointsModelsAndEvaluation() throws IOException {
        assertEquals(0, run.code(), run.stderr());
        for (String f : new String[] {"_SUCCESS", "run.json", "metrics.jsonl", "gradients.csv", "evaluation.json",
            "initial.json", "model/best.zip", "model/final.zip", "checkpoints/epoch-000.zip", "checkpoints/epoch-001.zip",
            "checkpoints/epoch-002.zip", "checkpoints/epoch-002.json"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertFalse(Files.exists(tmp.resolve(".run.inprogress")), "the in-progress directory was committed");
        FinetuneChartsTest.assertPanels(out.resolve(FinetuneCharts.CURVES));
        FinetuneChartsTest.assertPng(out.resolve(FinetuneCharts.GRADIENTS));

        List<JsonNode> metrics = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            metrics.add(JSON.readTree(line));
        }
        assertEquals(2, metrics.size());
        // the start (epoch 0, initial.json) is a candidate too
        double bestLoss = JSON.readTree(out.resolve("initial.json").toFile()).get("val_loss").asDouble();
        int bestEpoch = 0;
        for (int e = 0; e < 2; e++) {
            JsonNode m = metrics.get(e);
            assertEquals(e + 1, m.get("epoch").asInt());
            for (String key : new String[] {"train_loss", "val_loss", "val_accuracy", "seconds", "examples_per_second"}) {
                assertTrue(m.get(key).isNumber() && m.get(key).asDouble() > 0, key + " in " + m);
            }
            assertEquals(0.01, m.get("learning_rate").asDouble(), 0.0);
            assertTrue(m.get("val_loss").asDouble() < 5, "a cross-entropy of 10 classes: " + m);
            if (m.get("val_loss").asDouble() < bestLoss) {
                bestLoss = m.get("val_loss").asDouble();
                bestEpoch = e + 1;
            }
        }
        // best.zip is the checkpoint of the epoch with the lowest validation loss; final.zip the last.
        assertEquals(params(out.resolve("checkpoints/epoch-00" + bestEpoch + ".zip")), params(out.resolve("model/best.zip")));
        assertEquals(params(out.resolve("checkpoints/epoch-002.zip")), params(out.resolve("model/final.zip")));

        JsonNode ev = JSON.readTree(out.resolve("evaluation.json").toFile());
        assertEquals(320, ev.get("examples").asInt());
        assertEquals(bestEpoch, ev.get("best_epoch").asInt());
        assertEquals(bestLoss, ev.get("best_val_loss").asDouble(), 0.0);
        long total = 0;
        long diagonal = 0;
        for (int a = 0; a < 10; a++) {
            for (int p = 0; p < 10; p++) {
                long c = ev.get("confusion_matrix").get(a).get(p).asLong();
                total += c;
                diagonal += a == p ? c : 0;
            }
        }
        assertEquals(320, total);
        assertEquals(diagonal / 320.0, ev.get("accuracy").asDouble(), 1e-12);
        assertEquals(10, ev.get("per_class").size());

        Map<String, Object> info = RunInfo.readJson(new org.apache.hadoop.fs.Path(out.resolve("run.json").toUri()), new Configuration());
        assertEquals("finetune", info.get("job"));
        assertEquals("pmnist", ((Map<?, ?>) info.get("options")).get("task"));
        assertEquals(2, info.get("workers"));
        Map<?, ?> preparedRun = (Map<?, ?>) ((Map<?, ?>) info.get("inputs")).get("prepared/run.json");
        assertEquals(ai.laes.io.Checksums.sha256(new org.apache.hadoop.fs.Path(prepared.resolve("run.json").toUri()),
                new Configuration()), preparedRun.get("sha256"));
        JobAssertions.assertNoMachineDetails(out, prepared.toString(), out.toString());
    }

    @Test
    void gradientsCsvHasEveryStepOfTheProbedEpochs() throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("gradients.csv"));
        assertEquals("epoch,iteration,t,norm", lines.get(0));
        assertEquals(1 + 2 * 28, lines.size());
        String[] first = lines.get(1).split(",");
        assertEquals("1", first[0]);
        assertEquals("0", first[1], "epoch 1 is probed before the first update");
        String[] second = lines.get(29).split(",");
        assertEquals("2", second[0]);
        // 10 minibatches of 32 per epoch, 2 workers x 2 minibatches per round: 3 rounds, each counted as 2 updates.
        assertEquals("6", second[1]);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            assertEquals((i - 1) % 28 + 1, Integer.parseInt(f[2]));
            double norm = Double.parseDouble(f[3]);
            assertTrue(norm > 0 && Double.isFinite(norm), lines.get(i));
        }
    }

    /**
     * From the LAES start at a learning rate that wrecks it, the start stays the best network: best.zip is checkpoint
     * 0 and evaluation.json says so. The run also carries the LMN's orthogonality penalty and memory detach, recorded
     * in run.json and in the saved layer configuration.
     */
    @Test
    void aRunThatOnlyMakesTheNetworkWorseHandsBackTheStart() throws IOException {
        Path o = tmp.resolve("collapsing");
        JobAssertions.Outcome r = capture(() -> finetune(small("--out", o.toString(), "--epochs", "1", "--model", "lmn",
                "--init-scheme", "laes", "--learning-rate", "0.05", "--orthogonality-penalty", "0.01",
                "--detach-probability", "0.5", "--probe-epochs", "none")));
        assertEquals(0, r.code(), r.stderr());
        double start = JSON.readTree(o.resolve("initial.json").toFile()).get("val_loss").asDouble();
        double trained = JSON.readTree(Files.readAllLines(o.resolve("metrics.jsonl")).get(0)).get("val_loss").asDouble();
        assertTrue(trained > start, "epoch 1 made the network worse: " + start + " -> " + trained);
        JsonNode ev = JSON.readTree(o.resolve("evaluation.json").toFile());
        assertEquals(0, ev.get("best_epoch").asInt());
        assertEquals(start, ev.get("best_val_loss").asDouble(), 0.0);
        assertTrue(ev.get("chosen").asText().contains("epoch 0"), ev.toString());
        assertEquals(params(o.resolve("checkpoints/epoch-000.zip")), params(o.resolve("model/best.zip")));
        FinetuneChartsTest.assertPanels(o.resolve(FinetuneCharts.CURVES));
        assertFalse(Files.exists(o.resolve(FinetuneCharts.GRADIENTS)), "--probe-epochs none: no gradients.png");

        Map<String, Object> info = RunInfo.readJson(new org.apache.hadoop.fs.Path(o.resolve("run.json").toUri()), new Configuration());
        Map<?, ?> options = (Map<?, ?>) info.get("options");
        assertEquals(0.01, ((Number) options.get("orthogonality-penalty")).doubleValue(), 0.0);
        assertEquals(0.5, ((Number) options.get("detach-probability")).doubleValue(), 0.0);
        assertEquals("lsq", options.get("readout"), "the LAES start's default readout");
        assertEquals(42, ((Number) ((Map<?, ?>) info.get("seeds")).get("detach")).intValue());
        MultiLayerNetwork saved = ModelSerializer.restoreMultiLayerNetwork(o.resolve("model/final.zip").toFile(), false);
        LinearMemoryLayer layer = (LinearMemoryLayer) ((LastTimeStep) saved.getLayerWiseConfigurations().getConf(0).getLayer()).getUnderlying();
        assertEquals(0.01, layer.getOrthogonalityPenalty(), 0.0);
        assertEquals(0.5, layer.getDetachProbability(), 0.0);
        assertEquals(42, layer.getDetachSeed());
    }

    @Test
    void resumeOfACompleteOutputSaysSoAndLeavesItUntouched() throws IOException {
        List<String> before = listing(out);
        long modified = Files.getLastModifiedTime(out.resolve("run.json")).toMillis();
        JobAssertions.Outcome r = capture(() -> finetune(small("--out", out.toString(), "--epochs", "2", "--resume")));
        assertEquals(JobLauncher.OK, r.code(), r.stderr());
        assertTrue(r.stderr().contains("already complete") && r.stderr().contains(out.toString()), r.stderr());
        assertEquals(before, listing(out));
        assertEquals(modified, Files.getLastModifiedTime(out.resolve("run.json")).toMillis());
    }

    @Test
    void initStartsFromThePretrainingOutputsModel() throws IOException {
        Path pre = tmp.resolve("pretrain");
        Files.createDirectories(pre.resolve("model"));
        MultiLayerNetwork init = new LstmClassifier(1, 8, 10, new Hyperparameters(1e-3, 0, 0)).create(99);
        ModelSerializer.writeModel(init, pre.resolve("model/lmn-init.zip").toFile(), false);
        pretrainRunJson(pre, "pretrain", "pmnist", 8);
        Path o = tmp.resolve("from-init");
        JobAssertions.Outcome r = capture(() -> finetune(small("--out", o.toString(), "--epochs", "1", "--init", pre.toString(),
                "--probe-epochs", "none")));
        assertEquals(0, r.code(), r.stderr());
        assertEquals(init.params(), params(o.resolve("checkpoints/epoch-000.zip")));
        assertFalse(Files.exists(o.resolve("gradients.csv")) && Files.readAllLines(o.resolve("gradients.csv")).size() > 1);
    }

    @Test
    void outputsOfARelativeOutDoNotRecordTheWorkingDirectory() throws IOException {
        // --data and --out relative to the working directory (the build checkout): their qualified paths contain user.dir.
        Path cwd = Path.of(System.getProperty("user.dir"));
        Path dir = Files.createDirectories(cwd.resolve("target").resolve("relative-out-" + ProcessHandle.current().pid()));
        org.apache.commons.io.FileUtils.copyDirectory(prepared.toFile(), dir.resolve("prepared").toFile());
        String data = cwd.relativize(dir.resolve("prepared")).toString();
        String given = cwd.relativize(dir.resolve("run")).toString();
        try {
            JobAssertions.Outcome r = capture(() -> finetune(small("--data", data, "--out", given, "--epochs", "1", "--probe-epochs", "none")));
            assertEquals(0, r.code(), r.stderr());
            JobAssertions.assertNoMachineDetails(dir.resolve("run"), data, given);
            Map<String, Object> info = RunInfo.readJson(new org.apache.hadoop.fs.Path(dir.resolve("run/run.json").toUri()),
                    new Configuration());
            assertEquals(given, ((Map<?, ?>) info.get("options")).get("out"), "run.json records --out as given");
            assertEquals(data, ((Map<?, ?>) info.get("options")).get("data"), "run.json records --data as given");
        } finally {
            org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
        }
    }

    @Test
    void divergenceStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path o = tmp.resolve("diverged");
        JobAssertions.Outcome r = capture(() -> finetune(small("--out", o.toString(), "--epochs", "2", "--learning-rate", "1e38",
                "--clip-norm", "0", "--weight-decay", "0")));
        assertEquals(JobLauncher.RUNTIME_FAILURE, r.code(), r.stderr());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().contains("training loss became") && r.stderr().contains("epoch 1/2")
                && r.stderr().contains("last good checkpoint is") && r.stderr().contains("epoch-000.zip"), r.stderr());
        assertFalse(Files.exists(o), "no committed output");
        Path kept = tmp.resolve(".diverged.inprogress/checkpoints/epoch-000.zip");
        assertTrue(Files.isRegularFile(kept), "the last good checkpoint is kept");
        MultiLayerNetwork good = ModelSerializer.restoreMultiLayerNetwork(kept.toFile(), true);
        assertTrue(Double.isFinite(good.params().sumNumber().doubleValue()));

        // The unfinished run is not silently discarded, and a resume must keep the trajectory's options.
        List<String> before = listing(tmp);
        assertInputError(capture(() -> finetune(small("--out", o.toString(), "--epochs", "2"))), tmp, before,
                "unfinished run", "--resume");
        assertInputError(capture(() -> finetune(small("--out", o.toString(), "--epochs", "2", "--resume"))), tmp, before,
                "--resume", "--learning-rate 0.01 differs", "1.0E38");
    }

    @Test
    void badInputsFailWithOneLineAndNoOutput() throws IOException {
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad.resolve("empty-pretrain"));
        Files.createDirectories(bad.resolve("no-run-json/model"));
        Files.createFile(bad.resolve("no-run-json").resolve(FinetuneStart.INIT_MODEL));
        String otherTask = fakePretraining(bad.resolve("smnist-8"), "pretrain", "smnist", 8).toString();
        String otherSize = fakePretraining(bad.resolve("pmnist-16"), "pretrain", "pmnist", 16).toString();
        String otherJob = fakePretraining(bad.resolve("prepared-8"), "prepare", "pmnist", 8).toString();
        String o = bad.resolve("out").toString();
        List<String> before = listing(bad);
        assertInputError(capture(() -> finetune(small("--out", o, "--init", bad.resolve("nope").toString()))),
                bad, before, "--init", "nope", "not found");
        assertInputError(capture(() -> finetune(small("--out", o, "--init", bad.resolve("empty-pretrain").toString()))),
                bad, before, "--init", "model/lmn-init.zip");
        // A pretraining of another task or memory size (this run: pmnist, --hidden 8), or not a pretraining at all.
        assertInputError(capture(() -> finetune(small("--out", o, "--init", bad.resolve("no-run-json").toString()))),
                bad, before, "--init", "no-run-json", "no run.json");
        assertInputError(capture(() -> finetune(small("--out", o, "--init", otherTask))),
                bad, before, "--init " + otherTask, "--task smnist --memory-size 8", "this run is --task pmnist --hidden 8");
        assertInputError(capture(() -> finetune(small("--out", o, "--init", otherSize))),
                bad, before, "--init " + otherSize, "--memory-size 16", "--hidden 8");
        assertInputError(capture(() -> finetune(small("--out", o, "--init", otherJob))),
                bad, before, "--init " + otherJob, "the output of prepare");
        assertInputError(capture(() -> finetune(small("--out", o, "--init", otherJob, "--init-scheme", "orthogonal"))),
                bad, before, "--init " + otherJob, "is a LAES start", "--init-scheme orthogonal");
        assertInputError(capture(() -> finetune(small("--out", o, "--epochs", "0"))), bad, before, "--epochs 0", "at least 1");
        assertInputError(capture(() -> finetune(small("--out", o, "--batch-size", "0"))), bad, before, "--batch-size 0");
        assertInputError(capture(() -> finetune(small("--out", o, "--model", "gru"))), bad, before, "--model gru", "unknown");
        assertInputError(capture(() -> finetune(small("--out", o, "--init-scheme", "xavier"))), bad, before, "--init-scheme xavier");
        assertInputError(capture(() -> finetune(small("--out", o, "--task", "cifar"))), bad, before, "--task cifar");
        assertInputError(capture(() -> finetune(small("--out", o, "--readout", "xavier"))), bad, before, "--readout xavier", "unknown");
        assertInputError(capture(() -> finetune(small("--out", o, "--detach-probability", "1.5"))), bad, before,
                "--detach-probability 1.5", "[0, 1]");
        assertInputError(capture(() -> finetune(small("--out", o, "--orthogonality-penalty", "-1"))), bad, before,
                "--orthogonality-penalty -1.0");
        assertInputError(capture(() -> finetune(small("--out", o, "--model", "lstm", "--detach-probability", "0.5"))), bad, before,
                "--model lstm", "LMN only");
        assertInputError(capture(() -> finetune("--data", bad.resolve("missing").toString(), "--out", o)), bad, before, "--data", "not found");
        List<String> top = listing(tmp);
        assertInputError(capture(() -> finetune(small("--out", out.toString()))), tmp, top, out.toString(), "already exists");
    }

    /** The run.json a pretraining output of {@code task} and memory size {@code p} has (options as JobLauncher.resolved writes them). */
    static void pretrainRunJson(Path dir, String job, String task, int p) {
        RunInfo.writeJson(new org.apache.hadoop.fs.Path(dir.resolve("run.json").toUri()), new Configuration(),
                Map.of("job", job, "options", Map.of("task", task, "memory-size", p)));
    }

    /** A directory that looks like a pretraining output of {@code job}, {@code task} and memory size {@code p}. */
    static Path fakePretraining(Path dir, String job, String task, int p) throws IOException {
        Files.createDirectories(dir.resolve("model"));
        Files.createFile(dir.resolve(FinetuneStart.INIT_MODEL));
        pretrainRunJson(dir, job, task, p);
        return dir;
    }

    static org.nd4j.linalg.api.ndarray.INDArray params(Path zip) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false).params();
    }
}
