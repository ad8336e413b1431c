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

import ai.laes.io.RunInfo;
import ai.laes.spark.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MNIST presets give bit for bit what they gave before the training path took any labelled sequences: the
 * SHA-256 of the LAES files A and B and of the initialised LMN's readout, of pretrain's metrics.json (without its
 * timings), and of a two-epoch fine-tuning's metrics.jsonl and evaluation.json (without timings), pMNIST (the
 * permuted order exercises SequenceView.apply), 300 images, 2 workers. The expected digests were computed once with
 * the code before that change on this kind of machine (netlib's pure-Java LAPACK, OpenBLAS GEMMs): another CPU may
 * round differently, so a mismatch elsewhere first calls for the old code's digests there. The evaluations are also
 * sensitive to the RDDs created before a {@code --limit} (Spark seeds a sort's partition sampling with the RDD id,
 * which decides the evaluation minibatches), so the jobs must keep creating the RDDs they always did.
 */
class MnistPresetDigestTest extends SparkTestBase {
    /**
     * The digests the code of commit ee2777b (before the change) gave on this machine. evaluation.json's per-class
     * entries have since gained each class's {@code name} ("0" .. "9" for MNIST), left out of its digest.
     */
    static final Map<String, String> EXPECTED = Map.of(
            "A.npy", "8e36488cb6e775df1832f65e172297c23569eeb353e0e77bd9e07af5fffb92f8",
            "B.npy", "eeedb82e27bd94e77cde2a82300b54606d11db5e27a7970eed73c5d5e818a3e1",
            "lmn-init/W_out.npy", "7165923b21fdeebdc1f29392cb2bb7d250423f2cb1adbaf73a7d997e40d90252",
            "metrics.json", "7b3a29b13c7dc6afd951c448d413cf3d1c2b0e9b304c0165bf634a1aaf1e9cca",
            "metrics.jsonl", "7043d180d18fc7ef5415ff503a97d2795a480a3639822592367e947336c879af",
            "evaluation.json", "53310d085c50cbe43c05a9b50df4220e1f389c8f03c14e2fe2124cc34838a1ab");
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
