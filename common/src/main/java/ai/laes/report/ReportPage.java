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

import ai.laes.io.FileSystems;
import ai.laes.io.RunInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Writes the report's CSVs, PNG plots, {@code summary.json} and the self-contained {@code index.html}. */
public final class ReportPage {
    public static final String RECONSTRUCTION_CSV = "reconstruction_vs_length.csv";
    public static final String RECONSTRUCTION_PNG = "reconstruction_vs_length.png";
    public static final String GRADIENT_CSV = "gradient_norms.csv";
    public static final String GRADIENT_PNG = "gradient_norms.png";
    public static final String ACCURACY_CSV = "accuracy.csv";
    public static final String STAGE_INIT = "init-lsq-readout";

    /** Everything the page shows. */
    public record Content(String task, int memorySize, long seed, ReportBudget budget, long trainSequences,
                          long testSequences, ReconstructionStudy.Result reconstruction,
                          List<InitialisationStudy.Outcome> outcomes) {
    }

    private ReportPage() {
    }

    /** Writes every file through {@code file} (name to path in the output directory); returns the summary. */
    public static Map<String, Object> write(Content c, Function<String, Path> file, Configuration conf) {
        StringBuilder recon = new StringBuilder("T,p,method,mse\n");
        Map<String, double[][]> reconSeries = new LinkedHashMap<>();
        for (String method : List.of(ReconstructionStudy.LAES, ReconstructionStudy.RANDOM, ReconstructionStudy.GRADIENT_DESCENT)) {
            List<ReconstructionStudy.Point> pts = c.reconstruction().points().stream().filter(p -> p.method().equals(method)).toList();
            reconSeries.put(method, new double[][] {pts.stream().mapToDouble(ReconstructionStudy.Point::length).toArray(),
                pts.stream().mapToDouble(ReconstructionStudy.Point::mse).toArray()});
        }
        c.reconstruction().points().forEach(p -> recon.append(p.length()).append(',').append(p.p()).append(',')
                .append(p.method()).append(',').append(p.mse()).append('\n'));
        text(file.apply(RECONSTRUCTION_CSV), conf, recon.toString());
        Charts.logLines(file.apply(RECONSTRUCTION_PNG), conf, "Test reconstruction MSE vs sequence length (" + c.task() + ")",
                "sequence length T", "MSE (mean over lags)", reconSeries);

        StringBuilder grad = new StringBuilder("scheme,t,norm\n");
        Map<String, double[][]> gradSeries = new LinkedHashMap<>();
        StringBuilder acc = new StringBuilder("task,model,stage,accuracy\n");
        for (InitialisationStudy.Outcome o : c.outcomes()) {
            acc.append(c.task()).append(',').append(o.model()).append(',').append(STAGE_INIT).append(',').append(o.accuracy()).append('\n');
            if (o.gradientNorms() != null) {
                double[] n = o.gradientNorms();
                double[] t = new double[n.length];
                for (int i = 0; i < n.length; i++) {
                    t[i] = i + 1;
                    grad.append(o.model()).append(',').append(i + 1).append(',').append(n[i]).append('\n');
                }
                gradSeries.put(o.model(), new double[][] {t, n});
            }
        }
        text(file.apply(GRADIENT_CSV), conf, grad.toString());
        Charts.logLines(file.apply(GRADIENT_PNG), conf, "Mean ||dL/dm_t|| at initialisation (" + c.task() + ")",
                "time step t", "mean norm of dL/dm_t", gradSeries);
        text(file.apply(ACCURACY_CSV), conf, acc.toString());

        Map<String, Object> summary = summary(c);
        RunInfo.writeJson(file.apply("summary.json"), conf, summary);
        text(file.apply("index.html"), conf, html(c));
        return summary;
    }

    static Map<String, Object> summary(Content c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", c.task());
        m.put("memory_size", c.memorySize());
        m.put("seed", c.seed());
        m.put("budget", c.budget().asMap());
        m.put("train_sequences_read", c.trainSequences());
        m.put("test_sequences_read", c.testSequences());
        List<Map<String, Object>> recon = new ArrayList<>();
        c.reconstruction().points().forEach(p -> recon.add(Map.of("T", p.length(), "p", p.p(), "method", p.method(), "mse", p.mse())));
        m.put("reconstruction", recon);
        List<Map<String, Object>> gd = new ArrayList<>();
        c.reconstruction().gdLosses().forEach(l -> gd.add(Map.of("T", (int) l[0], "initial_loss", l[1], "final_loss", l[2], "best_step", (int) l[3])));
        m.put("gradient_descent_training", gd);
        Map<String, Object> accuracy = new LinkedHashMap<>();
        Map<String, Object> gradients = new LinkedHashMap<>();
        for (InitialisationStudy.Outcome o : c.outcomes()) {
            accuracy.put(o.model(), o.accuracy());
            if (o.gradientNorms() != null) {
                double[] n = o.gradientNorms();
                gradients.put(o.model(), Map.of("norm_t1", n[0], "norm_tT", n[n.length - 1],
                        "ratio_t1_over_tT", n[0] / n[n.length - 1], "norms", n));
            }
        }
        m.put("accuracy_" + STAGE_INIT, accuracy);
        m.put("gradient_norms", gradients);
        m.put("fine_tuning", "not run: no fine-tuning trainer (ai.laes.train) on main when this report was built");
        return m;
    }

    static String html(Content c) {
        ReportBudget b = c.budget();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>LAES / LMN report (").append(c.task())
                .append(")</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 8px;text-align:right}</style>"
                        + "</head><body>\n");
        h.append("<h1>LAES pretraining of Linear Memory Networks: report (").append(c.task()).append(")</h1>\n");
        h.append("<p>Task ").append(c.task()).append(", memory size ").append(c.memorySize()).append(", seed ").append(c.seed())
                .append(", ").append(c.trainSequences()).append(" training and ").append(c.testSequences())
                .append(" test sequences read. All numbers are also in <a href=\"summary.json\">summary.json</a>.</p>\n");

        h.append("<h2>1. Reconstruction error versus sequence length</h2>\n<img src=\"").append(RECONSTRUCTION_PNG)
                .append("\" alt=\"reconstruction MSE vs T\">\n<p>For each T, every sequence is cropped to its last T steps (k = 1); "
                        + "all three memories have size p = min(").append(c.memorySize()).append(", T) and are fitted on ")
                .append(count(b.reconstructionTrain())).append(" training sequences and scored on ").append(count(b.reconstructionTest()))
                .append(" test sequences: MSE of decoding every step from the final state, mean over lags and sequences. "
                        + "<b>laes</b>: the exact LAES (closed form). <b>random-orthogonal</b>: A Xavier-normal, B random orthogonal (QR), "
                        + "with the best affine decoder per lag (least squares of x_{T-d} on [y_T; 1] over the training sequences). "
                        + "<b>gradient-descent</b>: the LAES form y_t = A x_t + B y_{t-1}, decoder A<sup>T</sup>(B<sup>T</sup>)<sup>d</sup>y_T, "
                        + "from A ~ N(0, 0.01<sup>2</sup>), B random orthogonal, trained through time by full-batch Adam (")
                .append(b.gdIterations()).append(" steps, learning rate ").append(b.gdLearningRate())
                .append(") on the exact training loss, computed from the second moment of the centred training sequences; the iterate "
                        + "with the lowest training loss is kept, because once B's spectral radius exceeds 1 the powers B<sup>d</sup> "
                        + "and with them loss and gradient explode (table below). "
                        + "Values below ").append(Charts.FLOOR).append(" are drawn at that floor (the CSV has the exact values). "
                        + "Data: <a href=\"").append(RECONSTRUCTION_CSV).append("\">").append(RECONSTRUCTION_CSV).append("</a>.</p>\n");
        h.append("<table><tr><th>T</th><th>p</th><th>method</th><th>test MSE</th></tr>\n");
        c.reconstruction().points().forEach(p -> h.append("<tr><td>").append(p.length()).append("</td><td>").append(p.p())
                .append("</td><td>").append(p.method()).append("</td><td>").append(fmt(p.mse())).append("</td></tr>\n"));
        h.append("</table>\n<p>Gradient-descent training (mean squared error per element on the training sequences):</p>\n"
                + "<table><tr><th>T</th><th>initial loss</th><th>best loss</th><th>best step</th></tr>\n");
        c.reconstruction().gdLosses().forEach(l -> h.append("<tr><td>").append((int) l[0]).append("</td><td>").append(fmt(l[1]))
                .append("</td><td>").append(fmt(l[2])).append("</td><td>").append((int) l[3]).append("</td></tr>\n"));
        h.append("</table>\n");

        h.append("<h2>2. Gradient propagation at the start of fine-tuning</h2>\n<img src=\"").append(GRADIENT_PNG)
                .append("\" alt=\"gradient norms vs t\">\n<p>The LMN classifier (hidden = memory = ").append(c.memorySize())
                .append(", T = 784) initialised by the LAES (fitted at T = 784 above), by random orthogonal W_mm (other weights Xavier) "
                        + "and by Xavier-normal weights, each with the least-squares readout of section 3 as output layer. "
                        + "Plotted: the mean over ").append(b.probeBatch())
                .append(" training sequences (the first of the training split) of ||dL/dm_t||, L the cross-entropy of that sequence, "
                        + "computed in float64 by backpropagation through the memory equations (checked against finite differences "
                        + "in the tests). The plot draws values below ").append(Charts.FLOOR).append(" at that floor. Data: <a href=\"").append(GRADIENT_CSV).append("\">").append(GRADIENT_CSV).append("</a>.</p>\n");
        h.append("<table><tr><th>scheme</th><th>||dL/dm_1||</th><th>||dL/dm_T||</th><th>ratio</th></tr>\n");
        c.outcomes().stream().filter(o -> o.gradientNorms() != null).forEach(o -> {
            double[] n = o.gradientNorms();
            h.append("<tr><td>").append(o.model()).append("</td><td>").append(fmt(n[0])).append("</td><td>")
                    .append(fmt(n[n.length - 1])).append("</td><td>").append(fmt(n[0] / n[n.length - 1])).append("</td></tr>\n");
        });
        h.append("</table>\n");

        h.append("<h2>3. Accuracy after initialisation</h2>\n<p>Test accuracy of each classifier with the least-squares readout "
                + "(ridge 1e-6, with bias) of its final recurrent state fitted on ").append(count(b.readoutTrain()))
                .append(" training sequences, scored on ").append(count(b.readoutTest()))
                .append(" test sequences; LMN and LSTM of hidden size ").append(c.memorySize())
                .append(", float32, seed ").append(c.seed()).append(". <b>Only after-initialisation accuracy is reported</b>: no "
                        + "fine-tuning trainer was available on main when this report was built. Data: <a href=\"")
                .append(ACCURACY_CSV).append("\">").append(ACCURACY_CSV).append("</a>.</p>\n");
        h.append("<table><tr><th>model</th><th>stage</th><th>test accuracy</th></tr>\n");
        c.outcomes().forEach(o -> h.append("<tr><td>").append(o.model()).append("</td><td>").append(STAGE_INIT)
                .append("</td><td>").append(fmt(o.accuracy())).append("</td></tr>\n"));
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    private static String count(int n) {
        return n == 0 ? "all" : Integer.toString(n);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    static void text(Path path, Configuration conf, String content) {
        try (OutputStream os = FileSystems.of(path, conf).create(path, true)) {
            os.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }
}
