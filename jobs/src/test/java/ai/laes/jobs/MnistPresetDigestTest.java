package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.laes.data.PreparedData;
import ai.laes.data.SequenceExample;
import ai.laes.data.SequenceTask;
import ai.laes.data.Split;
import ai.laes.io.RunInfo;
import ai.laes.spark.SparkTestBase;
import ai.laes.train.Batches;
import ai.laes.train.Evaluator;
import ai.laes.train.ModelFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MNIST presets give bit for bit what they gave before the training path took any labelled sequences: the
 * SHA-256 of the LAES files A and B and of the initialised LMN's readout, of pretrain's metrics.json (without its
 * timings), and of a two-epoch fine-tuning's metrics.jsonl and evaluation.json (without timings), pMNIST (the
 * permuted order exercises SequenceView.apply), 300 images, 2 workers. The expected digests were computed once with
 * the code before that change on this kind of machine (netlib's pure-Java LAPACK, OpenBLAS GEMMs): another CPU may
 * round differently, so a mismatch elsewhere first calls for the old code's digests there.
 */
class MnistPresetDigestTest extends SparkTestBase {
    /**
     * The digests the code of commit ee2777b (before the change) gave on this machine. evaluation.json's per-class
     * entries have since gained each class's {@code name} ("0" .. "9" for MNIST), left out of its digest, as is its
     * loss, checked on its own.
     */
    static final Map<String, String> EXPECTED = Map.of(
            "A.npy", "8e36488cb6e775df1832f65e172297c23569eeb353e0e77bd9e07af5fffb92f8",
            "B.npy", "eeedb82e27bd94e77cde2a82300b54606d11db5e27a7970eed73c5d5e818a3e1",
            "lmn-init/W_out.npy", "7165923b21fdeebdc1f29392cb2bb7d250423f2cb1adbaf73a7d997e40d90252",
            "metrics.json", "7b3a29b13c7dc6afd951c448d413cf3d1c2b0e9b304c0165bf634a1aaf1e9cca",
            "metrics.jsonl", "7043d180d18fc7ef5415ff503a97d2795a480a3639822592367e947336c879af",
            "evaluation.json", "68af404f5733cf23d2b1278011d91e8996f613d3b2fd75313eb2048cdcae3db9");
    /** The test loss in the old code's evaluation.json (its digest above is of evaluation.json without the loss). */
    static final double OLD_TEST_LOSS = 1.5243357188758122;
    @TempDir
    static Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void pmnistPretrainAndFinetuneAreUnchanged() throws IOException {
        Path prepared = SmallPrepared.create(spark, tmp.resolve("prepared"), 300);
        Path pre = tmp.resolve("pre");
        assertEquals(0, JobLauncher.execute("pretrain", new PretrainOptions(), new String[] {"--data", prepared.toString(),
            "--out", pre.toString(), "--task", "pmnist", "--memory-size", "12", "--limit", "300"}, PretrainJob::run, spark));
        Path fine = tmp.resolve("fine");
        assertEquals(0, JobLauncher.execute("finetune", new FinetuneOptions(), new String[] {"--data", prepared.toString(),
            "--out", fine.toString(), "--init", pre.toString(), "--task", "pmnist", "--hidden", "12", "--limit", "200",
            "--epochs", "2", "--batch-size", "32", "--averaging-frequency", "2", "--workers", "2", "--learning-rate", "0.001",
            "--crop-steps", "0", "--eval-batch-size", "50", "--probe-epochs", "none"}, FinetuneJob::run, spark));
        Map<String, String> actual = new TreeMap<>();
        actual.put("A.npy", sha(Files.readAllBytes(pre.resolve("laes/A.npy"))));
        actual.put("B.npy", sha(Files.readAllBytes(pre.resolve("laes/B.npy"))));
        actual.put("lmn-init/W_out.npy", sha(Files.readAllBytes(pre.resolve("model/lmn-init/W_out.npy"))));
        Map<String, Object> metrics = new TreeMap<>(RunInfo.readJson(hpath(pre.resolve("metrics.json")), new Configuration()));
        metrics.remove("seconds");
        actual.put("metrics.json", sha(metrics.toString().getBytes(StandardCharsets.UTF_8)));
        StringBuilder epochs = new StringBuilder();
        for (String line : Files.readAllLines(fine.resolve("metrics.jsonl"))) {
            Map<String, Object> m = new TreeMap<>(FinetuneJobTest.JSON.readValue(line, Map.class));
            m.keySet().removeIf(k -> k.contains("second") || k.contains("per_s") || k.contains("time"));
            epochs.append(m).append('\n');
        }
        actual.put("metrics.jsonl", sha(epochs.toString().getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> evaluation = new TreeMap<>(FinetuneJobTest.JSON.readValue(fine.resolve("evaluation.json").toFile(), Map.class));
        List<Map<String, Object>> perClass = (List<Map<String, Object>>) evaluation.get("per_class");
        for (int c = 0; c < perClass.size(); c++) {
            Object name = perClass.get(c).remove("name");
            assertEquals(String.valueOf(c), name, "MNIST's class names are its digits");
        }
        // The job's test loss alone moved in the 9th digit (1.5243357103235358): a fresh evaluation of the same network
        // on the same test split gives the old value exactly (the LMN's in-run inference state, not the data path).
        double loss = ((Number) evaluation.remove("loss")).doubleValue();
        assertEquals(OLD_TEST_LOSS, loss, 1e-7 * OLD_TEST_LOSS);
        org.apache.hadoop.fs.Path data = hpath(prepared);
        JavaRDD<SequenceExample> test = PreparedData.read(spark, data, PreparedData.describe(data, new Configuration()),
                SequenceTask.PMNIST, Split.TEST, 200);
        MultiLayerNetwork best = ModelFiles.load(hpath(fine.resolve("model/best.zip")), false, new Configuration(), "best");
        assertEquals(OLD_TEST_LOSS, Evaluator.evaluate(JavaSparkContext.fromSparkContext(spark.sparkContext()), best, test,
                Batches.mnist(0), 50).loss(), 0.0);
        actual.put("evaluation.json", sha(evaluation.toString().getBytes(StandardCharsets.UTF_8)));
        System.out.println("DIGESTS " + actual + "\nMETRICS " + metrics + "\nEPOCHS " + epochs + "EVALUATION " + evaluation);
        assertEquals(new TreeMap<>(EXPECTED), actual);
    }

    static org.apache.hadoop.fs.Path hpath(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }

    static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
