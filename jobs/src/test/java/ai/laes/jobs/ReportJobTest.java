package ai.laes.jobs;

import static ai.laes.jobs.JobAssertions.assertInputError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import ai.laes.data.MnistShards;
import ai.laes.data.Permutation;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.RunInfo;
import ai.laes.report.Charts;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small report on real MNIST images (200 training sequences, memory size 6): every file and its consistency. */
class ReportJobTest extends SparkTestBase {
    @TempDir
    static Path tmp;
    static Path prepared;
    static Path report;

    static int report(String... args) {
        return JobLauncher.execute("report", new ReportOptions(), args, ReportJob::run, spark);
    }

    /**
     * A tiny prepared dataset in the prepare job's layout, from real MNIST: the first 300 official test images
     * as the training split and the next 300 as the test split (reading the 10,000-image file is quick).
     */
    static Path tinyPrepared(Path dir) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        MnistImages images = MnistImages.read(new org.apache.hadoop.fs.Path(TestData.mnistDir().toUri()), "t10k", conf);
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
        for (Split split : new Split[] {Split.TRAIN, Split.TEST}) {
            int from = split == Split.TRAIN ? 0 : 300;
            List<LabeledImage> rows = new ArrayList<>();
            for (int i = from; i < from + 300; i++) {
                rows.add(new LabeledImage(i, images.label(i), images.pixels(i)));
            }
            MnistShards.write(spark, jsc.parallelize(rows, 2), MnistShards.splitDir(root, split));
        }
        Permutation.write(new org.apache.hadoop.fs.Path(root, Permutation.FILE), conf, Permutation.fromSeed(1234, MnistImages.PIXELS));
        RunInfo.writeJson(new org.apache.hadoop.fs.Path(root, "run.json"), conf, Map.of("job", "test fixture"));
        Files.createFile(dir.resolve(AtomicOutput.SUCCESS));
        return dir;
    }

    @BeforeAll
    static void prepareAndReport() throws IOException {
        System.setProperty("java.awt.headless", "true");
        prepared = tinyPrepared(tmp.resolve("prepared"));
        report = tmp.resolve("report");
        assertEquals(0, report("--data", prepared.toString(), "--out", report.toString(), "--task", "smnist",
                "--memory-size", "6", "--limit", "200", "--seed", "3"));
    }

    static List<String[]> csv(String name, String header) throws IOException {
        List<String> lines = Files.readAllLines(report.resolve(name));
        assertEquals(header, lines.get(0), name + " header");
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void reconstructionCsvHasEveryLengthAndMethod() throws IOException {
        List<String[]> rows = csv("reconstruction_vs_length.csv", "T,p,method,mse");
        assertEquals(15, rows.size());
        Map<String, Map<Integer, Double>> byMethod = new java.util.HashMap<>();
        for (String[] r : rows) {
            assertEquals(6, Integer.parseInt(r[1]), "p = min(6, T)");
            double v = Double.parseDouble(r[3]);
            assertTrue(v > 0 && v < 1, "MSE of pixels in [0,1]: " + v);
            byMethod.computeIfAbsent(r[2], m -> new java.util.HashMap<>()).put(Integer.parseInt(r[0]), v);
        }
        assertEquals(Set.of("laes", "random-orthogonal", "gradient-descent"), byMethod.keySet());
        // at a fixed memory size, the whole 784-step image is harder to hold than its last 49 (mostly blank) pixels
        byMethod.forEach((m, mse) -> assertEquals(Set.of(49, 98, 196, 392, 784), mse.keySet(), m));
        byMethod.forEach((m, mse) -> assertTrue(mse.get(784) > 5 * mse.get(49), m + " " + mse));
        // Adam lowered the training loss of the memory trained through time (by little, at this budget)
        Map<String, Object> s = RunInfo.readJson(new org.apache.hadoop.fs.Path(report.resolve("summary.json").toUri()), new Configuration());
        for (Map<String, Object> gd : (List<Map<String, Object>>) s.get("gradient_descent_training")) {
            double before = ((Number) gd.get("initial_loss")).doubleValue();
            double after = ((Number) gd.get("final_loss")).doubleValue();
            assertTrue(after < before, "gradient descent at T=" + gd.get("T") + ": " + before + " -> " + after);
        }
    }

    @Test
    void gradientAndAccuracyCsvs() throws IOException {
        List<String[]> grads = csv("gradient_norms.csv", "scheme,t,norm");
        assertEquals(3 * 784, grads.size());
        Set<String> schemes = new HashSet<>();
        for (String[] r : grads) {
            schemes.add(r[0]);
            int t = Integer.parseInt(r[1]);
            assertTrue(t >= 1 && t <= 784);
            double n = Double.parseDouble(r[2]);
            assertTrue(n >= 0 && Double.isFinite(n), "norm " + n);
        }
        assertEquals(Set.of("lmn-laes", "lmn-orthogonal", "lmn-random"), schemes);
        List<String[]> acc = csv("accuracy.csv", "task,model,stage,accuracy");
        assertEquals(4, acc.size());
        for (String[] r : acc) {
            assertEquals("smnist", r[0]);
            assertEquals("init-lsq-readout", r[2]);
            double a = Double.parseDouble(r[3]);
            assertTrue(a >= 0 && a <= 1, "accuracy " + a);
        }
        double laes = acc.stream().filter(r -> r[1].equals("lmn-laes")).mapToDouble(r -> Double.parseDouble(r[3])).sum();
        assertTrue(laes > 0.2, "a 6-dimensional LAES state classifies well above chance (0.1): " + laes);
    }

    @Test
    void plotsDecodeAndThePageReferencesEveryFile() throws IOException {
        for (String png : new String[] {"reconstruction_vs_length.png", "gradient_norms.png"}) {
            BufferedImage image = ImageIO.read(report.resolve(png).toFile());
            assertNotNull(image, png + " decodes");
            assertEquals(Charts.WIDTH, image.getWidth());
            assertEquals(Charts.HEIGHT, image.getHeight());
        }
        String html = Files.readString(report.resolve("index.html"));
        for (String f : new String[] {"reconstruction_vs_length.png", "gradient_norms.png"}) {
            assertTrue(html.contains("<img src=\"" + f + "\""), f);
        }
        for (String f : new String[] {"reconstruction_vs_length.csv", "gradient_norms.csv", "accuracy.csv", "summary.json"}) {
            assertTrue(html.contains("href=\"" + f + "\""), f);
        }
        assertTrue(!html.contains("http://") && !html.contains("https://"), "no network resources");
        assertTrue(Files.exists(report.resolve("_SUCCESS")));
        JobAssertions.assertNoMachineDetails(report, prepared.toString(), report.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void summaryHoldsTheNumbersOfThePage() throws IOException {
        Map<String, Object> s = RunInfo.readJson(new org.apache.hadoop.fs.Path(report.resolve("summary.json").toUri()), new Configuration());
        assertEquals("smnist", s.get("task"));
        assertEquals(6, ((Number) s.get("memory_size")).intValue());
        assertEquals(200, ((Number) s.get("train_sequences_read")).intValue());
        List<Map<String, Object>> recon = (List<Map<String, Object>>) s.get("reconstruction");
        assertEquals(15, recon.size());
        List<String[]> rows = csv("reconstruction_vs_length.csv", "T,p,method,mse");
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(Double.parseDouble(rows.get(i)[3]), ((Number) recon.get(i).get("mse")).doubleValue(), 0.0);
        }
        Map<String, Object> accuracy = (Map<String, Object>) s.get("accuracy_init-lsq-readout");
        assertEquals(Set.of("lmn-laes", "lmn-orthogonal", "lmn-random", "lstm"), accuracy.keySet());
        Map<String, Object> grads = (Map<String, Object>) s.get("gradient_norms");
        assertEquals(784, ((List<?>) ((Map<String, Object>) grads.get("lmn-laes")).get("norms")).size());
    }

    @Test
    void refusesAnUnknownBudgetAndAnExistingOutput() throws IOException {
        List<String> before = JobAssertions.listing(tmp);
        assertInputError(JobAssertions.capture(() -> report("--data", prepared.toString(), "--out",
                tmp.resolve("x").toString(), "--budget", "huge")), tmp, before, "--budget huge", "unknown budget");
        assertInputError(JobAssertions.capture(() -> report("--data", prepared.toString(), "--out", report.toString())),
                tmp, before, "already exists");
    }
}
