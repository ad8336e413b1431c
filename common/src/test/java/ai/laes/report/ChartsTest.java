package ai.laes.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/** The labels of a logarithmic axis: at most a dozen, whole decades on a 1-2-5 step, covering the data. */
class ChartsTest {
    @Test
    void lossesAndAccuraciesGetTheirOwnPanelsEveryLineNamedWithOneColourAcrossThem() {
        Map<String, double[][]> losses = new java.util.LinkedHashMap<>();
        Map<String, double[][]> accuracies = new java.util.LinkedHashMap<>();
        for (String id : List.of("laes", "random", "orthogonal")) {
            losses.put(id, new double[][] {{0, 1, 2}, {2.3, 0.6, 0.5}});
            accuracies.put(id, new double[][] {{0, 1, 2}, {0.1, 0.84, 0.86}});
        }
        XYChart[] panels = Charts.lossAndAccuracyPanels("t", "epoch", losses, "loss", accuracies, "accuracy", "random");
        XYChart accuracy = panels[1];
        assertEquals(0.0, accuracy.getStyler().getYAxisMin());
        assertEquals(1.0, accuracy.getStyler().getYAxisMax());
        assertArrayEquals(new double[] {0.1, 0.84, 0.86}, accuracy.getSeriesMap().get("laes").getYData(), 0.0, "a linear axis");
        for (XYChart panel : panels) {
            assertEquals(List.of("laes", "random", "orthogonal"), List.copyOf(panel.getSeriesMap().keySet()));
            assertTrue(panel.getSeriesMap().values().stream().allMatch(s -> s.isShowInLegend()), "every line in the legend");
            assertEquals("random (selected)", panel.getSeriesMap().get("random").getLabel());
        }
        for (String id : losses.keySet()) {
            assertEquals(panels[0].getSeriesMap().get(id).getLineColor(), panels[1].getSeriesMap().get(id).getLineColor(), id);
        }
        assertEquals(3, panels[0].getSeriesMap().values().stream().map(s -> s.getLineColor()).distinct().count(), "told apart");
    }

    @Test
    void theSmnistGradientRangeGetsElevenLabelsEveryFiveDecades() {
        // the quick report's sMNIST gradient norms: 1e-12 (the floor) to about 1e44, 57 decades
        Charts.LogAxis axis = Charts.logAxis(1e-12, 4e43, Charts.MAX_LABELS);
        assertEquals(-12, axis.from());
        assertEquals(44, axis.to());
        assertArrayEquals(new int[] {-10, -5, 0, 5, 10, 15, 20, 25, 30, 35, 40}, axis.labels());
    }

    @Test
    void aNarrowRangeGetsEveryDecadeAndAtLeastTwo() {
        Charts.LogAxis axis = Charts.logAxis(0.012, 0.09, Charts.MAX_LABELS);
        assertEquals(-2, axis.from());
        assertEquals(-1, axis.to());
        assertArrayEquals(new int[] {-2, -1}, axis.labels());
        Charts.LogAxis exact = Charts.logAxis(1e-3, 1e-3, Charts.MAX_LABELS);
        assertArrayEquals(new int[] {-3, -2}, exact.labels(), "a single value still spans a decade");
        assertArrayEquals(new int[] {-3, -2, -1, 0, 1, 2, 3, 4, 5}, Charts.logAxis(1e-3, 1e5, 12).labels());
    }

    @Test
    void everyRangeGetsTwoToTwelveEvenlySteppedLabelsInsideIt() {
        Random rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            double lo = Math.pow(10, -300 + 600 * rnd.nextDouble());
            double hi = Math.min(Double.MAX_VALUE, lo * Math.pow(10, 300 * rnd.nextDouble() * rnd.nextDouble()));
            Charts.LogAxis axis = Charts.logAxis(lo, hi, Charts.MAX_LABELS);
            int[] l = axis.labels();
            String what = lo + ".." + hi + " -> " + axis.from() + ".." + axis.to() + " " + Arrays.toString(l);
            assertTrue(Math.pow(10, axis.from()) <= lo * (1 + 1e-12) && hi <= Math.pow(10, axis.to()) * (1 + 1e-12), what);
            assertTrue(l.length >= 2 && l.length <= Charts.MAX_LABELS, what);
            assertTrue(l[0] >= axis.from() && l[l.length - 1] <= axis.to(), what);
            int step = l[1] - l[0];
            assertTrue(List.of(1, 2, 5, 10, 20, 50, 100).contains(step), what);
            for (int j = 0; j < l.length; j++) {
                assertEquals(0, Math.floorMod(l[j], step), what);
                assertEquals(l[0] + j * step, l[j], what);
            }
            // the first label is the first multiple of the step on the axis, the last the last one
            assertTrue(l[0] - step < axis.from() && l[l.length - 1] + step > axis.to(), what);
        }
    }

    /**
     * The labels XChart draws on the chart's y axis. XChart computes its grid several times per drawing, each pass
     * asking the formatter for the label of every grid value from just below the axis to just above it, in
     * increasing order: the drawn labels are those of the last pass inside the axis.
     */
    static List<String> drawnLabels(XYChart chart, Charts.LogAxis axis) {
        List<Double> asked = new ArrayList<>();
        chart.setCustomYAxisTickLabelsFormatter(v -> {
            asked.add(v);
            return axis.label(v);
        });
        BitmapEncoder.getBufferedImage(chart);
        return lastPass(asked, axis.from(), axis.to()).stream().map(axis::label).toList();
    }

    static List<Double> lastPass(List<Double> asked, double from, double to) {
        int lastPass = 0;
        for (int i = 1; i < asked.size(); i++) {
            if (asked.get(i) <= asked.get(i - 1)) {
                lastPass = i;
            }
        }
        return asked.subList(lastPass, asked.size()).stream().filter(v -> v >= from - 1e-9 && v <= to + 1e-9).toList();
    }

    @Test
    void theTimeAxisOfTheGradientPlotHasAtMostADozenLabels() {
        double[] y = new double[784];
        Arrays.fill(y, 0.5);
        XYChart chart = Charts.chart("t", "x", "y", series(y), true);
        List<Double> asked = new ArrayList<>();
        chart.setCustomXAxisTickLabelsFormatter(v -> {
            asked.add(v);
            return String.valueOf(v);
        });
        BitmapEncoder.getBufferedImage(chart);
        List<Double> drawn = lastPass(asked, 1, 784);
        assertTrue(drawn.size() >= 4 && drawn.size() <= Charts.MAX_LABELS, drawn.toString());
        for (double v : drawn) {
            assertEquals(0, v % 100, 0.0, "a round step: " + drawn);
        }
    }

    static Map<String, double[][]> series(double[] y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        return Map.of("s", new double[][] {x, y});
    }

    @Test
    void xChartDrawsExactlyTheChosenLabels() {
        double[][] cases = {{1e-12, 4e43}, {0.012, 0.09}, {1e-3, 1e5}, {3e-7, 2e-6}, {1e-12, 1e300}, {0.5, 2e3}};
        Random rnd = new Random(11);
        for (double[] c : cases) {
            // from lo to hi, unevenly (XChart labels evenly spaced values by another rule)
            double[] y = new double[784];
            for (int i = 0; i < y.length; i++) {
                double u = i == 0 ? 0 : i == y.length - 1 ? 1 : rnd.nextDouble();
                y[i] = Math.pow(10, Math.log10(c[0]) + u * (Math.log10(c[1]) - Math.log10(c[0])));
            }
            Charts.LogAxis axis = Charts.logAxis(c[0], c[1], Charts.MAX_LABELS);
            XYChart chart = Charts.chart("t", "x", "y", series(y), true);
            List<String> expected = Arrays.stream(axis.labels()).mapToObj(e -> "1e" + e).toList();
            assertEquals(expected, drawnLabels(chart, axis), Arrays.toString(c));
        }
    }

    @Test
    void refusesAnEmptyOrNonPositiveRange() {
        assertThrows(IllegalArgumentException.class, () -> Charts.logAxis(0, 1, 12));
        assertThrows(IllegalArgumentException.class, () -> Charts.logAxis(2, 1, 12));
        assertThrows(IllegalArgumentException.class, () -> Charts.logAxis(1, Double.POSITIVE_INFINITY, 12));
        assertThrows(IllegalArgumentException.class, () -> Charts.logAxis(1, 10, 1));
    }

    @Test
    void aLogChartOverFiftySevenDecadesIsDrawn(@TempDir Path dir) throws Exception {
        Map<String, double[][]> series = new LinkedHashMap<>();
        double[] t = new double[784];
        double[] exploding = new double[784];
        double[] zeros = new double[784];
        for (int i = 0; i < t.length; i++) {
            t[i] = i + 1;
            exploding[i] = Math.pow(10, 44 - i * 56.0 / 783);
        }
        series.put("exploding", new double[][] {t, exploding});
        series.put("zero (drawn at the floor)", new double[][] {t, zeros});
        Path png = dir.resolve("chart.png");
        Charts.logLines(new org.apache.hadoop.fs.Path(png.toUri()), new Configuration(), "title", "t", "norm", series);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(Charts.WIDTH, image.getWidth());
        assertEquals(Charts.HEIGHT, image.getHeight());
    }

    @Test
    void groupedLinesShareTheirGroupsColourAndDifferInStyle() {
        double[][] xy = {{1, 2, 3}, {1e-3, 1, 1e3}};
        Map<String, Map<String, double[][]>> groups = new LinkedHashMap<>();
        groups.put("lmn-laes", new LinkedHashMap<>(Map.of("at initialisation", xy)));
        groups.get("lmn-laes").put("after epoch 3", xy);
        groups.put("lmn-random", new LinkedHashMap<>(Map.of("at initialisation", xy)));
        XYChart chart = Charts.groupedChart("t", "x", "y", groups);
        var first = chart.getSeriesMap().get("lmn-laes, at initialisation");
        var last = chart.getSeriesMap().get("lmn-laes, after epoch 3");
        var other = chart.getSeriesMap().get("lmn-random, at initialisation");
        assertEquals(3, chart.getSeriesMap().size());
        assertEquals(Charts.GROUP_COLOURS[0], first.getLineColor(), "a group's first member has the group's colour");
        assertEquals(Charts.shade(Charts.GROUP_COLOURS[0], 0.6), last.getLineColor(), "its last the lightest shade of it");
        assertEquals(Charts.GROUP_COLOURS[1], other.getLineColor(), "groups differ in colour");
        assertTrue(first.getLineStyle() != last.getLineStyle(), "members differ in line style");
        assertEquals(first.getLineStyle(), other.getLineStyle(), "each group's first member is solid");
    }
}
