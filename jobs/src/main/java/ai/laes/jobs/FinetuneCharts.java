package ai.laes.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.laes.report.Charts;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The fine-tune job's pictures of what it measured, drawn with the report's {@link Charts}:
 * {@code curves.png}, the training and validation loss per epoch (log scale) above the validation accuracy (0 to 1),
 * the start (epoch 0) validated only, the chosen epoch marked on both, and {@code gradients.png}, ||dL/dm_t|| against t for each probed
 * epoch, drawn only when an epoch was probed. Both are drawn from the run's files, so a resumed run draws all epochs.
 */
final class FinetuneCharts {
    static final String CURVES = "curves.png";
    static final String GRADIENTS = "gradients.png";

    private FinetuneCharts() {
    }

    /** Draws both pictures into {@code dir} from its initial.json and metrics.jsonl and the probe's gradients.csv lines. */
    static void draw(Path dir, int bestEpoch, List<String> gradientLines, Configuration conf) {
        List<EpochMetrics> epochs = EpochMetrics.read(dir, conf);
        Charts.lossAndAccuracy(new Path(dir, CURVES), conf, "Fine-tuning: loss (above) and validation accuracy (below) per epoch "
                + "(chosen: epoch " + bestEpoch + ")", "epoch", losses(epochs, bestEpoch), "cross-entropy",
                accuracy(epochs, bestEpoch), "validation accuracy", null);
        if (!gradientLines.isEmpty()) {
            Charts.logLines(new Path(dir, GRADIENTS), conf,
                    "||dL/dm_t|| before each probed epoch's training (mean over its first minibatch)", "t",
                    "||dL/dm_t||", gradients(gradientLines));
        }
    }

    /**
     * Training loss (epochs 1..) and validation loss (epochs 0..), name to {x, y}, and the chosen epoch's validation
     * loss as a point of its own; a series without points is left out.
     */
    static Map<String, double[][]> losses(List<EpochMetrics> epochs, int bestEpoch) {
        List<EpochMetrics> trained = epochs.stream().filter(e -> e.epoch() > 0).toList();
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("training loss", xy(trained.stream().mapToDouble(EpochMetrics::epoch).toArray(),
                trained.stream().mapToDouble(EpochMetrics::trainLoss).toArray()));
        series.put("validation loss", xy(epochs.stream().mapToDouble(EpochMetrics::epoch).toArray(),
                epochs.stream().mapToDouble(EpochMetrics::valLoss).toArray()));
        chosen(epochs, bestEpoch, EpochMetrics::valLoss, series);
        series.values().removeIf(s -> s[0].length == 0); // e.g. no training loss before the first epoch
        return series;
    }

    /** Validation accuracy (epochs 0..) and the chosen epoch's as a point of its own. */
    static Map<String, double[][]> accuracy(List<EpochMetrics> epochs, int bestEpoch) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("validation accuracy", xy(epochs.stream().mapToDouble(EpochMetrics::epoch).toArray(),
                epochs.stream().mapToDouble(EpochMetrics::valAccuracy).toArray()));
        chosen(epochs, bestEpoch, EpochMetrics::valAccuracy, series);
        return series;
    }

    private static void chosen(List<EpochMetrics> epochs, int bestEpoch, java.util.function.ToDoubleFunction<EpochMetrics> y,
            Map<String, double[][]> series) {
        epochs.stream().filter(e -> e.epoch() == bestEpoch).findFirst().ifPresent(best ->
                series.put("chosen: epoch " + bestEpoch, xy(new double[] {bestEpoch}, new double[] {y.applyAsDouble(best)})));
    }

    /** One line per probed epoch ("epoch,iteration,t,norm" lines of gradients.csv), name to {t, norm}. */
    static Map<String, double[][]> gradients(List<String> lines) {
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split(",");
            double[] point = {Double.parseDouble(f[2]), Double.parseDouble(f[3])};
            points.computeIfAbsent("epoch " + f[0], k -> new ArrayList<>()).add(point);
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        points.forEach((name, p) -> series.put(name, xy(p.stream().mapToDouble(v -> v[0]).toArray(),
                p.stream().mapToDouble(v -> v[1]).toArray())));
        return series;
    }

    private static double[][] xy(double[] x, double[] y) {
        return new double[][] {x, y};
    }
}
