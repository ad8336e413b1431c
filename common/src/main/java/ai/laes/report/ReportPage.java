package ai.laes.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import ai.laes.io.FileSystems;
import ai.laes.io.RunInfo;
import ai.laes.train.ValidatedEpoch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Writes the report's CSVs (one per experiment, a {@code task} column), PNG plots (one per experiment and task),
 * {@code summary.json} and the self-contained {@code index.html}.
 */
public final class ReportPage {
    public static final String RECONSTRUCTION_CSV = "reconstruction_vs_length.csv";
    public static final String GRADIENT_CSV = "gradient_norms.csv";
    public static final String ACCURACY_CSV = "accuracy.csv";
    /**
     * accuracy.csv's columns: the test accuracy of the least-squares readout of the model's memory states, the test
     * accuracy and cross-entropy of the network fine-tuning starts from, the same of the fine-tuned (best-epoch) one.
     */
    public static final String ACCURACY_HEADER = "task,model,readout_accuracy,start_accuracy,start_loss,finetuned_accuracy,"
            + "finetuned_loss,epochs,best_epoch,status";
    public static final String CURVES_CSV = "validation_curves.csv";
    public static final String RECONSTRUCTION = "reconstruction_vs_length";
    public static final String GRADIENT = "gradient_norms";
    public static final String CURVES = "validation_curves";

    /** One task's results. */
    public record TaskResult(String task, long trainSequences, long validationSequences, long testSequences,
                             ReconstructionStudy.Result reconstruction, List<InitialisationStudy.Outcome> outcomes,
                             List<FinetuneStudy.Run> runs, FinetuneStudy.SeedSpread seedSpread) {
    }

    /** Everything the page shows. */
    public record Content(int memorySize, long seed, ReportBudget budget, List<TaskResult> tasks) {
    }

    private ReportPage() {
    }

    /** The PNG of plot {@code plot} (e.g. {@link #RECONSTRUCTION}) for {@code task}. */
    public static String png(String plot, String task) {
        return plot + "_" + task + ".png";
    }

    /** Writes every file through {@code file} (name to path in the output directory); returns the summary. */
    public static Map<String, Object> write(Content c, Function<String, Path> file, Configuration conf) {
        StringBuilder recon = new StringBuilder("task,T,p,method,mse\n");
        StringBuilder grad = new StringBuilder("task,scheme,epoch,t,norm\n");
        StringBuilder acc = new StringBuilder(ACCURACY_HEADER + "\n");
        StringBuilder curves = new StringBuilder("task,model,epoch,val_loss,val_accuracy\n");
        for (TaskResult r : c.tasks()) {
            String task = r.task();
            Map<String, double[][]> reconSeries = new LinkedHashMap<>();
            for (String method : ReconstructionStudy.METHODS) {
                List<ReconstructionStudy.Point> pts = r.reconstruction().points().stream().filter(p -> p.method().equals(method)).toList();
                reconSeries.put(method, new double[][] {pts.stream().mapToDouble(ReconstructionStudy.Point::length).toArray(),
                    pts.stream().mapToDouble(ReconstructionStudy.Point::mse).toArray()});
            }
            r.reconstruction().points().forEach(p -> recon.append(task).append(',').append(p.length()).append(',').append(p.p())
                    .append(',').append(p.method()).append(',').append(p.mse()).append('\n'));
            Charts.logLines(file.apply(png(RECONSTRUCTION, task)), conf, "Test reconstruction MSE vs sequence length (" + task + ")",
                    "sequence length T", "MSE (mean over lags)", reconSeries);

            Map<String, Map<String, double[][]>> gradSeries = new LinkedHashMap<>();
            for (FinetuneStudy.Run run : r.runs()) {
                for (GradientProbe.At a : run.gradients()) {
                    double[] n = a.norms();
                    double[] t = new double[n.length];
                    for (int i = 0; i < n.length; i++) {
                        t[i] = i + 1;
                        grad.append(task).append(',').append(run.model()).append(',').append(a.epoch()).append(',').append(i + 1)
                                .append(',').append(n[i]).append('\n');
                    }
                    gradSeries.computeIfAbsent(run.model(), m -> new LinkedHashMap<>()).put(Verdicts.when(a), new double[][] {t, n});
                }
            }
            Charts.groupedLogLines(file.apply(png(GRADIENT, task)), conf, "Mean ||dL/dm_t|| during fine-tuning (" + task + ")",
                    "time step t", "mean norm of dL/dm_t", gradSeries);

            Map<String, double[][]> lossSeries = new LinkedHashMap<>();
            Map<String, double[][]> curveSeries = new LinkedHashMap<>();
            for (FinetuneStudy.Run run : r.runs()) {
                acc.append(String.join(",", task, run.model(), String.valueOf(run.readoutAccuracy()),
                        String.valueOf(run.start().accuracy()), String.valueOf(run.start().loss()),
                        String.valueOf(run.finetuned().accuracy()), String.valueOf(run.finetuned().loss()),
                        String.valueOf(run.epochs()), String.valueOf(run.bestEpoch()), run.status())).append('\n');
                run.curve().forEach(e -> curves.append(task).append(',').append(run.model()).append(',').append(e.epoch())
                        .append(',').append(e.valLoss()).append(',').append(e.valAccuracy()).append('\n'));
                double[] epochs = run.curve().stream().mapToDouble(ValidatedEpoch.Outcome::epoch).toArray();
                lossSeries.put(run.model(), new double[][] {epochs, run.curve().stream().mapToDouble(ValidatedEpoch.Outcome::valLoss).toArray()});
                curveSeries.put(run.model(), new double[][] {epochs, run.curve().stream().mapToDouble(ValidatedEpoch.Outcome::valAccuracy).toArray()});
            }
            Charts.lossAndAccuracy(file.apply(png(CURVES, task)), conf, "Validation loss (above) and accuracy (below) per "
                    + "fine-tuning epoch (" + task + "; 0 = the start)", "epoch", lossSeries, "validation cross-entropy", curveSeries,
                    "validation accuracy", null);
        }
        text(file.apply(RECONSTRUCTION_CSV), conf, recon.toString());
        text(file.apply(GRADIENT_CSV), conf, grad.toString());
        text(file.apply(ACCURACY_CSV), conf, acc.toString());
        text(file.apply(CURVES_CSV), conf, curves.toString());

        List<Verdicts.Verdict> verdicts = Verdicts.of(c);
        Map<String, Object> summary = summary(c, verdicts);
        RunInfo.writeJson(file.apply("summary.json"), conf, summary);
        text(file.apply("index.html"), conf, html(c, verdicts));
        return summary;
    }

    static Map<String, Object> summary(Content c, List<Verdicts.Verdict> verdicts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", c.tasks().stream().map(TaskResult::task).toList());
        m.put("memory_size", c.memorySize());
        m.put("seed", c.seed());
        m.put("budget", c.budget().asMap());
        m.put("verdicts", Verdicts.asMaps(verdicts));
        Map<String, Object> perTask = new LinkedHashMap<>();
        for (TaskResult r : c.tasks()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("train_sequences_read", r.trainSequences());
            t.put("validation_sequences_read", r.validationSequences());
            t.put("test_sequences_read", r.testSequences());
            List<Map<String, Object>> recon = new ArrayList<>();
            r.reconstruction().points().forEach(p -> recon.add(Map.of("T", p.length(), "p", p.p(), "method", p.method(), "mse", p.mse())));
            t.put("reconstruction", recon);
            t.put("gradient_descent_training", r.reconstruction().gdTraining().stream().map(ReportPage::training).toList());
            Map<String, Object> gradients = new LinkedHashMap<>();
            for (FinetuneStudy.Run run : r.runs()) {
                if (!run.gradients().isEmpty()) {
                    gradients.put(run.model(), run.gradients().stream().map(a -> Map.of("epoch", a.epoch(),
                            "norm_t1", a.norms()[0], "norm_tT", a.norms()[a.norms().length - 1], "ratio_t1_over_tT", a.ratio(),
                            "norms", a.norms())).toList());
                }
            }
            t.put("gradient_norms", gradients);
            Map<String, Object> accuracy = new LinkedHashMap<>();
            for (FinetuneStudy.Run run : r.runs()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("readout_accuracy", run.readoutAccuracy());
                a.put("start_accuracy", run.start().accuracy());
                a.put("start_loss", run.start().loss());
                a.put("finetuned_accuracy", run.finetuned().accuracy());
                a.put("finetuned_loss", run.finetuned().loss());
                a.put("epochs", run.epochs());
                a.put("best_epoch", run.bestEpoch());
                a.put("status", run.status());
                List<Map<String, Object>> curve = new ArrayList<>();
                for (ValidatedEpoch.Outcome e : run.curve()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("epoch", e.epoch());
                    if (e.epoch() > 0) {
                        row.put("train_loss", e.trainLoss());
                        row.put("seconds", e.seconds());
                        row.put("examples_per_second", e.examplesPerSecond());
                    }
                    row.put("val_loss", e.valLoss());
                    row.put("val_accuracy", e.valAccuracy());
                    curve.add(row);
                }
                a.put("validation_curve", curve);
                accuracy.put(run.model(), a);
            }
            t.put("accuracy", accuracy);
            t.put("seed_spread", Map.of("spread", r.seedSpread().spread(), "how", r.seedSpread().how()));
            perTask.put(r.task(), t);
        }
        m.put("results", perTask);
        return m;
    }

    /** One length's learning-rate search as summary.json holds it: the chosen rate's run, then every rate's. */
    static Map<String, Object> training(ReconstructionStudy.Training g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("T", g.length());
        m.put("p", g.p());
        m.put("improved", g.chosen().improved());
        m.putAll(trial(g.chosen()));
        m.put("trials", g.trials().stream().map(ReportPage::trial).toList());
        return m;
    }

    private static Map<String, Object> trial(TiedMemoryTrainer.Trial trial) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learning_rate", trial.learningRate());
        m.put("steps", trial.steps());
        m.put("initial_loss", trial.initialLoss());
        m.put("best_loss", trial.bestLoss());
        m.put("best_step", trial.bestStep());
        m.put("stopped_by", trial.stop().label());
        return m;
    }

    static String html(Content c, List<Verdicts.Verdict> verdicts) {
        ReportBudget b = c.budget();
        List<String> taskNames = c.tasks().stream().map(TaskResult::task).toList();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>LAES / LMN report (").append(String.join(", ", taskNames))
                .append(")</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
                        + "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #999;padding:2px 8px;text-align:right}"
                        + "td.text,th.text{text-align:left}td.figures{white-space:nowrap}"
                        + "td.supported{background:#d8f0d8}td.not-supported{background:#f6d6d6}td.not-measurable{background:#eee}</style>"
                        + "</head><body>\n");
        h.append("<h1>LAES pretraining of Linear Memory Networks: report (").append(String.join(", ", taskNames)).append(")</h1>\n");
        Verdicts.html(h, verdicts);
        h.append("<p>Tasks ").append(String.join(" and ", taskNames)).append(" (MNIST read pixel by pixel, T = 784, k = 1; pMNIST in the "
                + "prepared dataset's fixed permutation), memory size p = ").append(c.memorySize()).append(", seed ").append(c.seed())
                .append(" for every random memory, network and shuffle. Sequences read per task (train / validation / test): ");
        c.tasks().forEach(r -> h.append(r.task()).append(' ').append(r.trainSequences()).append(" / ").append(r.validationSequences())
                .append(" / ").append(r.testSequences()).append("; "));
        h.append("always the first of each split by index. All numbers are also in <a href=\"summary.json\">summary.json</a>.</p>\n");

        h.append("<h2>1. Reconstruction error versus sequence length</h2>\n");
        for (TaskResult r : c.tasks()) {
            h.append("<img src=\"").append(png(RECONSTRUCTION, r.task())).append("\" alt=\"reconstruction MSE vs T, ").append(r.task()).append("\">\n");
        }
        h.append("<p>For each T, every sequence is cropped to its last T steps (k = 1); "
                        + "all memories have size p = min(").append(c.memorySize()).append(", T) and are fitted on ")
                .append(count(b.reconstructionTrain())).append(" training sequences and scored on ").append(count(b.reconstructionTest()))
                .append(" test sequences: MSE of decoding every step from the final state, mean over lags and sequences. "
                        + "<b>laes</b>: the exact LAES (closed form) with its own tied decoder. "
                        + "<b>random-orthogonal</b>: A Xavier-normal, B random orthogonal (QR), "
                        + "with the best affine decoder per lag (least squares of x_{T-d} on [y_T; 1] over the training sequences). "
                        + "<b>laes-lag-decoder</b>: the same LAES encoder (its A and B) with that same per-lag least-squares decoder. "
                        + "<b>gradient-descent</b>: the LAES form y_t = A x_t + B y_{t-1}, decoder A<sup>T</sup>(B<sup>T</sup>)<sup>d</sup>y_T, "
                        + "from A ~ N(0, 0.01<sup>2</sup>), B random orthogonal, trained through time by full-batch Adam on the exact "
                        + "training loss, computed from the second moment of the centred training sequences. The learning rate is "
                        + "searched: each of ").append(rateList(b.gdSearch())).append(" runs ").append(b.gdSearch().trialSteps())
                .append(" steps from the same start, the one with the lowest loss continues to at most ").append(b.gdSearch().maxSteps())
                .append(" steps; every run stops when its best loss has not fallen by a relative ").append(b.gdSearch().tolerance())
                .append(" within ").append(b.gdSearch().patience()).append(" steps, or when the loss stops being finite. The iterate "
                        + "with the lowest training loss is kept, because once B's spectral radius exceeds 1 the powers B<sup>d</sup> "
                        + "and with them loss and gradient explode (table below). "
                        + "<b>How to compare them.</b> The tied decoder of <b>laes</b> has no parameters beyond A and B (p(p+1) numbers), "
                        + "while a per-lag least-squares decoder fits T(p+1) more weights to the training sequences. Random-orthogonal "
                        + "against laes therefore compares a fitted decoder with a tied one (on pMNIST the fitted one wins by a wide margin). "
                        + "The like-for-like comparison of the encoders is random-orthogonal against laes-lag-decoder (same decoder "
                        + "family, same fit, only the memory differs); laes against laes-lag-decoder shows what the per-lag decoders "
                        + "add to the same LAES state. "
                        + "Values below ").append(Charts.FLOOR).append(" are drawn at that floor (the CSV has the exact values). "
                        + "Data: <a href=\"").append(RECONSTRUCTION_CSV).append("\">").append(RECONSTRUCTION_CSV).append("</a>.</p>\n");
        h.append("<table><tr><th>task</th><th>T</th><th>p</th>");
        ReconstructionStudy.METHODS.forEach(m -> h.append("<th>").append(m).append(" test MSE</th>"));
        h.append("</tr>\n");
        for (TaskResult r : c.tasks()) {
            for (int t : ReconstructionStudy.LENGTHS) {
                List<ReconstructionStudy.Point> row = r.reconstruction().points().stream().filter(p -> p.length() == t).toList();
                if (row.isEmpty()) {
                    continue;
                }
                h.append("<tr><td>").append(r.task()).append("</td><td>").append(t).append("</td><td>").append(row.get(0).p()).append("</td>");
                for (String m : ReconstructionStudy.METHODS) {
                    h.append("<td>").append(row.stream().filter(p -> p.method().equals(m)).map(p -> fmt(p.mse())).findFirst().orElse("")).append("</td>");
                }
                h.append("</tr>\n");
            }
        }
        h.append("</table>\n<p>Gradient-descent training (mean squared error per element on the training sequences; steps = Adam "
                + "steps of the chosen learning rate, best step 0 = the initialisation):</p>\n<table><tr><th>task</th><th>T</th><th>p</th>"
                + "<th>learning rate chosen</th><th>steps</th><th>initial loss</th><th>best loss</th><th>best step</th><th>stopped by</th>"
                + "<th>best loss per learning rate (steps, stopped by)</th></tr>\n");
        for (TaskResult r : c.tasks()) {
            for (ReconstructionStudy.Training g : r.reconstruction().gdTraining()) {
                TiedMemoryTrainer.Trial chosen = g.chosen();
                h.append("<tr><td>").append(r.task()).append("</td><td>").append(g.length()).append("</td><td>").append(g.p()).append("</td>");
                if (chosen.improved()) {
                    h.append("<td>").append(chosen.learningRate()).append("</td><td>").append(chosen.steps()).append("</td><td>")
                            .append(fmt(chosen.initialLoss())).append("</td><td>").append(fmt(chosen.bestLoss())).append("</td><td>")
                            .append(chosen.bestStep()).append("</td><td>").append(chosen.stop().label()).append("</td>");
                } else {
                    h.append("<td class=\"text\" colspan=\"6\"><b>No learning rate tried lowered the training loss below its initial ")
                            .append(fmt(chosen.initialLoss())).append("</b>: the gradient-descent error above is that of the untrained "
                                    + "initialisation.</td>");
                }
                h.append("<td class=\"text\">");
                g.trials().forEach(tr -> h.append(tr.learningRate()).append(": ").append(fmt(tr.bestLoss())).append(" (").append(tr.steps())
                        .append(", ").append(tr.stop().label()).append(")<br>"));
                h.append("</td></tr>\n");
            }
        }
        h.append("</table>\n");

        h.append("<h2>2. Gradient propagation during fine-tuning</h2>\n");
        for (TaskResult r : c.tasks()) {
            h.append("<img src=\"").append(png(GRADIENT, r.task())).append("\" alt=\"gradient norms vs t, ").append(r.task()).append("\">\n");
        }
        h.append("<p>The LMN classifier (hidden = memory = ").append(c.memorySize())
                .append(", T = 784) started from the LAES (fitted at T = 784 above, per task, with its least-squares readout) and "
                        + "from the reference implementation's two baselines with its random classifier head: orthogonal (Haar-orthogonal "
                        + "W_mm, the other weights Xavier-normal with gain 0.9, biases N(0, 1)) and random (Xavier-normal weights with "
                        + "gain 0.9, biases N(0, 1)). Plotted: the mean over ").append(b.probeBatch())
                .append(" training sequences (the first of the training split, the same at every probe) of ||dL/dm_t||, L the "
                        + "cross-entropy of that sequence, computed in float64 by backpropagation through the memory equations (checked "
                        + "against finite differences in the tests), at the first iteration of every fine-tuning epoch and after the "
                        + "last one (epoch e in the data: after e completed epochs). The plot draws values below ").append(Charts.FLOOR)
                .append(" at that floor. Data: <a href=\"").append(GRADIENT_CSV).append("\">").append(GRADIENT_CSV).append("</a>.</p>\n");
        h.append("<table><tr><th>task</th><th>scheme</th><th>probe</th><th>||dL/dm_1||</th><th>||dL/dm_T||</th><th>ratio</th></tr>\n");
        for (TaskResult r : c.tasks()) {
            for (FinetuneStudy.Run run : r.runs()) {
                for (GradientProbe.At a : run.gradients()) {
                    double[] n = a.norms();
                    h.append("<tr><td>").append(r.task()).append("</td><td>").append(run.model()).append("</td><td>")
                            .append(Verdicts.when(a)).append("</td><td>").append(fmt(n[0])).append("</td><td>")
                            .append(fmt(n[n.length - 1])).append("</td><td>").append(fmt(a.ratio())).append("</td></tr>\n");
                }
            }
        }
        h.append("</table>\n");

        h.append("<h2>3. Accuracy after initialisation and after fine-tuning</h2>\n");
        for (TaskResult r : c.tasks()) {
            h.append("<img src=\"").append(png(CURVES, r.task())).append("\" alt=\"validation accuracy per epoch, ").append(r.task()).append("\">\n");
        }
        h.append("<p>Four classifiers per task, float32: the LMN (hidden = memory = ").append(c.memorySize())
                .append(") initialised by the LAES, orthogonally or randomly as in section 2, and an LSTM of hidden size ")
                .append(c.memorySize()).append(" drawn as the reference draws it (every weight and bias 0.01 N(0, 1), forget-gate bias 1), seed ").append(c.seed()).append(". <b>After initialisation</b>: test accuracy with the "
                        + "least-squares readout (ridge 1e-6, with bias) of the final recurrent state fitted on ")
                .append(count(b.readoutTrain())).append(" training sequences. <b>After fine-tuning</b>: from the initialised recurrent layer under the head the reference "
                        + "starts it with (LMN-LAES its least-squares readout, the others the reference's random classifier head: "
                        + "Xavier-normal weights with gain 0.9, bias 0.01 U(0, 1)), ")
                .append(b.epochs()).append(" epochs over ").append(count(b.finetuneTrain()))
                .append(" training sequences by synchronous parameter averaging on Spark (Adam, learning rate ").append(b.learningRate())
                .append(", weight decay 1e-5, gradient clipping 10 per layer, minibatch ").append(b.batchSize()).append(" per worker, averaging every ")
                .append(b.averagingFrequency()).append(" minibatches, a fresh shuffle per epoch), validated after every epoch on ")
                .append(count(b.finetuneValidation())).append(" sequences of the validation split (the last 10,000 official training "
                        + "images; plotted, epoch 0 = the initialised network). The fine-tuned test accuracy is that of the network of "
                        + "the epoch with the lowest validation loss among the completed epochs (column best epoch; 0 = no epoch "
                        + "completed, the initialised network). A run whose training loss or parameters stop being finite is stopped "
                        + "and shown as diverged at that epoch, keeping the epochs before. Both accuracies are on the same ")
                .append(count(b.readoutTest())).append(" test sequences. Data: <a href=\"").append(ACCURACY_CSV).append("\">")
                .append(ACCURACY_CSV).append("</a>, <a href=\"").append(CURVES_CSV).append("\">").append(CURVES_CSV).append("</a>.</p>\n");
        h.append("<table><tr><th>task</th><th>model</th><th>least-squares readout of the memory: accuracy</th>"
                + "<th>the start: accuracy</th><th>the start: loss</th><th>fine-tuned: accuracy</th><th>fine-tuned: loss</th>"
                + "<th>epochs</th><th>best epoch</th><th>status</th></tr>\n");
        for (TaskResult r : c.tasks()) {
            r.runs().forEach(run -> h.append("<tr><td>").append(r.task()).append("</td><td>").append(run.model()).append("</td><td>")
                    .append(fmt(run.readoutAccuracy())).append("</td><td>").append(fmt(run.start().accuracy())).append("</td><td>")
                    .append(fmt(run.start().loss())).append("</td><td>").append(fmt(run.finetuned().accuracy())).append("</td><td>")
                    .append(fmt(run.finetuned().loss())).append("</td><td>").append(run.epochs()).append("</td><td>")
                    .append(run.bestEpoch()).append("</td><td>").append(run.status()).append("</td></tr>\n"));
        }
        h.append("</table>\n<p>Spread of the fine-tuned test accuracy between seeds (claim 3 needs a start's lead to exceed it): ");
        c.tasks().forEach(r -> h.append(r.task()).append(' ').append(fmt(r.seedSpread().spread())).append(" (")
                .append(Verdicts.escape(r.seedSpread().how())).append("); "));
        h.append("</p>\n</body></html>\n");
        return h.toString();
    }

    private static String rateList(LearningRateSearch search) {
        return search.learningRates().size() + " learning rates (" + search.learningRates().stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + ")";
    }

    static String count(int n) {
        return n == 0 ? "all" : Integer.toString(n);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** Writes {@code content} as UTF-8 text to {@code path} (any Hadoop file system). */
    public static void text(Path path, Configuration conf, String content) {
        try (OutputStream os = FileSystems.of(path, conf).create(path, true)) {
            os.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }
}
