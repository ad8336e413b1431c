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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import ai.laes.data.MnistShards;
import ai.laes.data.Permutation;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.RunInfo;
import ai.laes.report.Charts;
import ai.laes.report.ReportPage;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small report on real MNIST images for both tasks (200 training and validation sequences, memory size 6, 2
 * fine-tuning epochs at Adam 5e-4): every file and its consistency, and the page as headless Chromium shows it.
 */
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
     * as the training split, the next 300 as the test split and the next 300 as the validation split (reading
     * the 10,000-image file is quick).
     */
    static Path tinyPrepared(Path dir) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        MnistImages images = MnistImages.read(new org.apache.hadoop.fs.Path(TestData.mnistDir().toUri()), "t10k", conf);
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
        for (Split split : Split.values()) {
            int from = 300 * List.of(Split.TRAIN, Split.TEST, Split.VALIDATION).indexOf(split);
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
        assertEquals(0, report("--data", prepared.toString(), "--out", report.toString(), "--task", "both",
                "--memory-size", "6", "--limit", "200", "--epochs", "2", "--learning-rate", "5e-4", "--seed", "3"));
    }

    static List<String[]> csv(String name, String header) throws IOException {
        List<String> lines = Files.readAllLines(report.resolve(name));
        assertEquals(header, lines.get(0), name + " header");
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
    }

    static final List<String> TASKS = List.of("smnist", "pmnist");
    static final Set<String> MODELS = Set.of("lmn-laes", "lmn-orthogonal", "lmn-random", "lstm");
    static final Set<String> METHODS = Set.of("laes", "random-orthogonal", "gradient-descent", "laes-lag-decoder");

    static Map<String, Object> summary() {
        return RunInfo.readJson(new org.apache.hadoop.fs.Path(report.resolve("summary.json").toUri()), new Configuration());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> taskSummary(String task) {
        return (Map<String, Object>) ((Map<String, Object>) summary().get("results")).get(task);
    }

    @Test
    void reconstructionCsvHasEveryTaskLengthAndMethod() throws IOException {
        List<String[]> rows = csv("reconstruction_vs_length.csv", "task,T,p,method,mse");
        assertEquals(2 * 5 * 4, rows.size());
        Map<String, Map<String, Map<Integer, Double>>> byTask = new java.util.HashMap<>();
        for (String[] r : rows) {
            assertEquals(6, Integer.parseInt(r[2]), "p = min(6, T)");
            double v = Double.parseDouble(r[4]);
            assertTrue(v > 0 && v < 1, "MSE of pixels in [0,1]: " + v);
            byTask.computeIfAbsent(r[0], t -> new java.util.HashMap<>())
                    .computeIfAbsent(r[3], m -> new java.util.HashMap<>()).put(Integer.parseInt(r[1]), v);
        }
        assertEquals(Set.copyOf(TASKS), byTask.keySet());
        byTask.forEach((task, byMethod) -> {
            assertEquals(METHODS, byMethod.keySet(), task);
            byMethod.forEach((m, mse) -> assertEquals(Set.of(49, 98, 196, 392, 784), mse.keySet(), m));
            // per-lag least-squares decoders are fitted on the training sequences, the tied decoder is not: on the
            // same LAES state, the fitted decoders reconstruct the test sequences at least as well except by noise
            for (int t : new int[] {49, 98, 196, 392, 784}) {
                assertTrue(byMethod.get("laes-lag-decoder").get(t) < 1.1 * byMethod.get("laes").get(t),
                        task + " T=" + t + ": " + byMethod.get("laes-lag-decoder").get(t) + " vs " + byMethod.get("laes").get(t));
            }
        });
        // at a fixed memory size, the whole 784-step sMNIST image is harder to hold than its last 49 (mostly blank) pixels
        byTask.get("smnist").forEach((m, mse) -> assertTrue(mse.get(784) > 5 * mse.get(49), m + " " + mse));
        // the two tasks see different sequences: their LAES errors differ at T = 784
        assertTrue(byTask.get("smnist").get("laes").get(784) != byTask.get("pmnist").get("laes").get(784));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGradientTrainedMemoryTrainedAtEveryLengthOrThePageSaysItDidNot() throws IOException {
        String html = Files.readString(report.resolve("index.html"));
        List<Double> rates = (List<Double>) ((Map<String, Object>) ((Map<String, Object>) summary().get("budget"))
                .get("gd_learning_rate_search")).get("learning_rates");
        assertTrue(rates.size() >= 5 && rates.get(rates.size() - 1) / rates.get(0) >= 1e4, "at least four decades: " + rates);
        for (String task : TASKS) {
            List<Map<String, Object>> runs = (List<Map<String, Object>>) taskSummary(task).get("gradient_descent_training");
            assertEquals(List.of(49, 98, 196, 392, 784), runs.stream().map(g -> ((Number) g.get("T")).intValue()).toList());
            int untrained = 0;
            for (Map<String, Object> gd : runs) {
                double initial = ((Number) gd.get("initial_loss")).doubleValue();
                double best = ((Number) gd.get("best_loss")).doubleValue();
                int bestStep = ((Number) gd.get("best_step")).intValue();
                int steps = ((Number) gd.get("steps")).intValue();
                String what = task + " T=" + gd.get("T") + ": " + gd;
                assertTrue(rates.contains(((Number) gd.get("learning_rate")).doubleValue()), what);
                assertEquals(rates.size(), ((List<?>) gd.get("trials")).size(), what);
                if ((Boolean) gd.get("improved")) {
                    assertTrue(best < initial && bestStep > 0 && bestStep <= steps, what);
                } else {
                    assertTrue(best == initial && bestStep == 0, what);
                    untrained++;
                }
            }
            // the page says so in words, once per length that did not train
            assertEquals(untrained, html.split("<td>" + task + "</td><td>\\d+</td><td>\\d+</td><td class=\"text\" colspan=\"6\"><b>No learning "
                    + "rate tried lowered the training loss", -1).length - 1, task);
            // at this budget (200 sequences, p = 6) the search trains the memory at every length of both tasks
            assertEquals(0, untrained, task + ": " + runs);
        }
    }

    @Test
    void gradientNormCsvHasEverySchemeProbedEpochAndStep() throws IOException {
        List<String[]> grads = csv("gradient_norms.csv", "task,scheme,epoch,t,norm");
        List<String[]> acc = csv("accuracy.csv", ReportPage.ACCURACY_HEADER);
        Map<String, Map<Integer, Integer>> steps = new java.util.TreeMap<>();
        for (String[] r : grads) {
            assertTrue(TASKS.contains(r[0]), r[0]);
            int t = Integer.parseInt(r[3]);
            assertTrue(t >= 1 && t <= 784);
            double n = Double.parseDouble(r[4]);
            assertTrue(n >= 0 && Double.isFinite(n), "norm " + n);
            steps.computeIfAbsent(r[0] + " " + r[1], k -> new java.util.TreeMap<>()).merge(Integer.parseInt(r[2]), 1, Integer::sum);
        }
        for (String task : TASKS) {
            for (String scheme : List.of("lmn-laes", "lmn-orthogonal", "lmn-random")) {
                Map<Integer, Integer> probed = steps.get(task + " " + scheme);
                String[] run = acc.stream().filter(r -> r[0].equals(task) && r[1].equals(scheme)).findFirst().orElseThrow();
                int epochs = Integer.parseInt(run[7]);
                // the first iteration of every epoch begun (a diverged one too) and, when all completed, after the last
                List<Integer> expected = new ArrayList<>();
                for (int e = 0; e <= epochs; e++) {
                    expected.add(e);
                }
                assertEquals(expected, new ArrayList<>(probed.keySet()), task + " " + scheme + " probed after these epochs");
                probed.values().forEach(count -> assertEquals(784, count, task + " " + scheme + ": every step once per probe"));
            }
        }
        assertEquals(2 * 3, steps.size(), "the LMNs only: " + steps.keySet());
    }

    @Test
    void accuracyTableHasBothTasksAndFourModelsBeforeAndAfterFineTuning() throws IOException {
        List<String[]> acc = csv("accuracy.csv", ReportPage.ACCURACY_HEADER);
        assertEquals(2 * 4, acc.size());
        List<String[]> curves = csv("validation_curves.csv", "task,model,epoch,val_loss,val_accuracy");
        for (String task : TASKS) {
            Set<String> models = new HashSet<>();
            for (String[] r : acc.stream().filter(r -> r[0].equals(task)).toList()) {
                models.add(r[1]);
                for (int i : new int[] {2, 3, 5}) {
                    double a = Double.parseDouble(r[i]);
                    assertTrue(Double.isFinite(a) && a >= 0 && a <= 1, task + " " + r[1] + " accuracy " + a);
                }
                for (int i : new int[] {4, 6}) {
                    double loss = Double.parseDouble(r[i]);
                    assertTrue(Double.isFinite(loss) && loss > 0, task + " " + r[1] + " cross-entropy " + loss);
                }
                if (r[1].equals("lmn-laes")) {
                    assertEquals(Double.parseDouble(r[2]), Double.parseDouble(r[3]), 1e-12,
                            "LMN-LAES starts from its least-squares readout: the same network, the same accuracy");
                }
                int epochs = Integer.parseInt(r[7]);
                int best = Integer.parseInt(r[8]);
                if (r[9].equals("completed")) {
                    assertEquals(2, epochs, "--epochs 2");
                    assertTrue(best >= 0 && best <= 2, "best epoch " + best);
                } else {
                    assertTrue(r[9].equals("diverged at epoch " + (epochs + 1)), r[9]);
                    assertTrue(best >= 0 && best <= epochs);
                }
                // one curve row per epoch, 0 (the initialised network) .. the last completed one
                List<String[]> curve = curves.stream().filter(c -> c[0].equals(task) && c[1].equals(r[1])).toList();
                assertEquals(epochs + 1, curve.size(), task + " " + r[1]);
                for (int e = 0; e <= epochs; e++) {
                    assertEquals(e, Integer.parseInt(curve.get(e)[2]));
                    double loss = Double.parseDouble(curve.get(e)[3]);
                    double a = Double.parseDouble(curve.get(e)[4]);
                    assertTrue(loss > 0 && Double.isFinite(loss) && a >= 0 && a <= 1, task + " " + r[1] + " epoch " + e);
                }
                // the chosen epoch has the lowest validation loss of the start (epoch 0) and the fine-tuned epochs
                double chosen = Double.parseDouble(curve.get(best)[3]);
                curve.forEach(c -> assertTrue(chosen <= Double.parseDouble(c[3])));
            }
            assertEquals(MODELS, models, task);
            double laes = acc.stream().filter(r -> r[0].equals(task) && r[1].equals("lmn-laes"))
                    .mapToDouble(r -> Double.parseDouble(r[2])).sum();
            assertTrue(laes > 0.2, task + ": a 6-dimensional LAES state classifies well above chance (0.1): " + laes);
        }
    }

    @Test
    void plotsArePngsAndThePageReferencesEveryFile() throws IOException {
        String html = Files.readString(report.resolve("index.html"));
        for (String plot : new String[] {"reconstruction_vs_length", "gradient_norms", "validation_curves"}) {
            for (String task : TASKS) {
                String png = plot + "_" + task + ".png";
                byte[] bytes = Files.readAllBytes(report.resolve(png));
                assertTrue(bytes.length > 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png);
                BufferedImage image = ImageIO.read(report.resolve(png).toFile());
                assertNotNull(image, png + " decodes");
                assertEquals(Charts.WIDTH, image.getWidth());
                // the validation curves: losses above, accuracy (0 to 1) below
                assertEquals(plot.equals("validation_curves") ? 2 * Charts.HEIGHT : Charts.HEIGHT, image.getHeight(), png);
                assertTrue(html.contains("<img src=\"" + png + "\""), png);
            }
        }
        for (String f : new String[] {"reconstruction_vs_length.csv", "gradient_norms.csv", "accuracy.csv",
            "validation_curves.csv", "summary.json"}) {
            assertTrue(html.contains("href=\"" + f + "\""), f);
        }
        assertTrue(html.contains("laes-lag-decoder"), "the like-for-like reconstruction line is explained");
        assertTrue(!html.contains("http://") && !html.contains("https://"), "no network resources");
        assertTrue(Files.exists(report.resolve("_SUCCESS")));
        JobAssertions.assertNoMachineDetails(report, prepared.toString(), report.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void summaryHoldsTheNumbersOfThePage() throws IOException {
        Map<String, Object> s = RunInfo.readJson(new org.apache.hadoop.fs.Path(report.resolve("summary.json").toUri()), new Configuration());
        assertEquals(TASKS, s.get("tasks"));
        assertEquals(6, ((Number) s.get("memory_size")).intValue());
        Map<String, Object> budget = (Map<String, Object>) s.get("budget");
        assertEquals(200, ((Number) budget.get("finetune_train_sequences")).intValue(), "quick budget capped by --limit");
        assertEquals(2, ((Number) budget.get("finetune_epochs")).intValue());
        assertEquals(5e-4, ((Number) budget.get("finetune_learning_rate")).doubleValue(), "--learning-rate");
        List<String[]> recon = csv("reconstruction_vs_length.csv", "task,T,p,method,mse");
        List<String[]> acc = csv("accuracy.csv", ReportPage.ACCURACY_HEADER);
        List<String[]> curves = csv("validation_curves.csv", "task,model,epoch,val_loss,val_accuracy");
        for (String task : TASKS) {
            Map<String, Object> t = taskSummary(task);
            assertEquals(200, ((Number) t.get("train_sequences_read")).intValue());
            assertEquals(200, ((Number) t.get("validation_sequences_read")).intValue());
            List<Map<String, Object>> points = (List<Map<String, Object>>) t.get("reconstruction");
            List<String[]> rows = recon.stream().filter(r -> r[0].equals(task)).toList();
            assertEquals(rows.size(), points.size());
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(Double.parseDouble(rows.get(i)[4]), ((Number) points.get(i).get("mse")).doubleValue(), 0.0);
            }
            Map<String, Object> accuracy = (Map<String, Object>) t.get("accuracy");
            assertEquals(MODELS, accuracy.keySet());
            Map<String, Object> spread = (Map<String, Object>) t.get("seed_spread");
            double measured = ((Number) spread.get("spread")).doubleValue();
            assertTrue(measured >= 0 && measured <= 1, task + ": the spread between seeds " + measured);
            assertTrue(String.valueOf(spread.get("how")).startsWith("measured: lmn-laes fine-tuned with seeds 3 and 4"), spread.toString());
            for (String[] r : acc.stream().filter(r -> r[0].equals(task)).toList()) {
                Map<String, Object> m = (Map<String, Object>) accuracy.get(r[1]);
                int column = 2;
                for (String key : List.of("readout_accuracy", "start_accuracy", "start_loss", "finetuned_accuracy", "finetuned_loss")) {
                    assertEquals(Double.parseDouble(r[column++]), ((Number) m.get(key)).doubleValue(), 0.0, key);
                }
                assertEquals(r[9], m.get("status"));
                List<Map<String, Object>> curve = (List<Map<String, Object>>) m.get("validation_curve");
                List<String[]> csvCurve = curves.stream().filter(c -> c[0].equals(task) && c[1].equals(r[1])).toList();
                assertEquals(csvCurve.size(), curve.size());
                for (int e = 0; e < curve.size(); e++) {
                    assertEquals(Double.parseDouble(csvCurve.get(e)[4]), ((Number) curve.get(e).get("val_accuracy")).doubleValue(), 0.0);
                }
            }
            Map<String, Object> grads = (Map<String, Object>) t.get("gradient_norms");
            List<String[]> csvNorms = csv("gradient_norms.csv", "task,scheme,epoch,t,norm");
            for (Map.Entry<String, Object> model : grads.entrySet()) {
                for (Map<String, Object> probe : (List<Map<String, Object>>) model.getValue()) {
                    int epoch = ((Number) probe.get("epoch")).intValue();
                    List<?> norms = (List<?>) probe.get("norms");
                    List<String[]> probeRows = csvNorms.stream().filter(c -> c[0].equals(task) && c[1].equals(model.getKey())
                            && Integer.parseInt(c[2]) == epoch).toList();
                    assertEquals(784, norms.size());
                    assertEquals(probeRows.size(), norms.size());
                    for (int i = 0; i < probeRows.size(); i++) {
                        assertEquals(Double.parseDouble(probeRows.get(i)[4]), ((Number) norms.get(i)).doubleValue(), 0.0);
                    }
                    assertEquals(((Number) norms.get(0)).doubleValue() / ((Number) norms.get(783)).doubleValue(),
                            ((Number) probe.get("ratio_t1_over_tT")).doubleValue(), 1e-12);
                }
            }
        }
    }

    /** The verdicts of summary.json: each claim for each task, each with a verdict, a budget and figures. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> verdicts() {
        List<Map<String, Object>> verdicts = (List<Map<String, Object>>) summary().get("verdicts");
        assertEquals(TASKS.size() * 3, verdicts.size());
        for (int i = 0; i < verdicts.size(); i++) {
            Map<String, Object> v = verdicts.get(i);
            assertEquals(TASKS.get(i % TASKS.size()), v.get("task"));
            assertEquals(i / TASKS.size() + 1, ((Number) v.get("claim")).intValue());
            assertTrue(Set.of("supported", "not supported", "not measurable at this budget").contains(v.get("verdict")), v.toString());
            assertTrue(!((String) v.get("budget")).isBlank() && !((List<?>) v.get("figures")).isEmpty(), v.toString());
        }
        return verdicts;
    }

    /** Every figure of the verdicts, in order: its exact value. */
    @SuppressWarnings("unchecked")
    static List<Double> verdictFigures() {
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> v : verdicts()) {
            for (Map<String, Object> f : (List<Map<String, Object>>) v.get("figures")) {
                values.add(((Number) f.get("value")).doubleValue());
            }
        }
        return values;
    }

    @Test
    void theVerdictBlockHeadsThePageWithTheNumbersOfTheSummary() throws IOException {
        String html = Files.readString(report.resolve("index.html"));
        int block = html.indexOf("<section id=\"verdicts\">");
        assertTrue(block > 0 && block < html.indexOf("<h2>1. "), "the verdicts come first");
        String verdictHtml = html.substring(block, html.indexOf("</section>", block));
        List<Double> shown = new ArrayList<>();
        Matcher m = Pattern.compile("data-value=\"([^\"]+)\">([^<]+)<").matcher(verdictHtml);
        while (m.find()) {
            shown.add(Double.parseDouble(m.group(1)));
            assertEquals(String.format(Locale.ROOT, "%.4g", Double.parseDouble(m.group(1))), m.group(2));
        }
        assertEquals(verdictFigures(), shown);
        for (Map<String, Object> v : verdicts()) {
            assertTrue(verdictHtml.contains("<b>" + v.get("verdict") + "</b>"), v.toString());
        }
        // claim 3 by the seed-spread rule, from the figures the verdict shows: the LAES start's lead over the best other
        // model against the spread between seeds, which the report measured (a second LAES fine-tuning)
        for (Map<String, Object> v : verdicts().stream().filter(v -> ((Number) v.get("claim")).intValue() == 3).toList()) {
            Map<String, Double> f = new java.util.LinkedHashMap<>();
            for (Object o : (List<?>) v.get("figures")) {
                Map<?, ?> figure = (Map<?, ?>) o;
                f.put(String.valueOf(figure.get("label")), ((Number) figure.get("value")).doubleValue());
            }
            double spread = f.remove("spread between seeds");
            double lead = f.remove("lmn-laes") - f.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            String expected = lead > spread ? "supported" : -lead > spread ? "not supported" : "not measurable at this budget";
            assertEquals(expected, v.get("verdict"), v.toString());
            assertTrue(String.valueOf(v.get("budget")).contains("seed spread measured: lmn-laes fine-tuned with seeds 3 and 4"),
                    v.toString());
        }
    }

    @Test
    void thePageLoadsInAHeadlessBrowserWithEveryImageAndTheVerdicts() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        Assumptions.assumeTrue(chromium.isPresent(), "no chromium on the PATH, so the report page is not checked in a browser "
                + "(install Debian's chromium, as .ci/run does)");
        HeadlessChromium.Seen seen = HeadlessChromium.open(chromium.get(), report.resolve("index.html"), tmp.resolve("browser"));
        assertEquals(List.of(), seen.errors(), "console errors, uncaught exceptions or failed loads");
        assertEquals(3 * TASKS.size(), seen.images().size(), seen.images().toString());
        seen.images().forEach(i -> assertTrue(i.width() > 0, "image did not load: " + i));
        assertTrue(seen.verdicts(), "the verdict block");
        assertEquals(3 * TASKS.size(), seen.verdictRows());
        assertEquals(verdictFigures(), seen.figures().stream().map(f -> Double.parseDouble(f.value())).toList());
        seen.figures().forEach(f -> assertEquals(String.format(Locale.ROOT, "%.4g", Double.parseDouble(f.value())), f.text()));
    }

    @Test
    void refusesAnUnknownBudgetAndAnExistingOutput() throws IOException {
        List<String> before = JobAssertions.listing(tmp);
        assertInputError(JobAssertions.capture(() -> report("--data", prepared.toString(), "--out",
                tmp.resolve("x").toString(), "--budget", "huge")), tmp, before, "--budget huge", "unknown budget");
        assertInputError(JobAssertions.capture(() -> report("--data", prepared.toString(), "--out",
                tmp.resolve("x").toString(), "--task", "cifar")), tmp, before, "--task cifar", "smnist, pmnist or both");
        assertInputError(JobAssertions.capture(() -> report("--data", prepared.toString(), "--out", report.toString())),
                tmp, before, "already exists");
    }
}
