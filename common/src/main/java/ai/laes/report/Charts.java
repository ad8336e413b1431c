package ai.laes.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import ai.laes.io.FileSystems;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts (y linear or logarithmic), drawn headless with XChart and written as PNG. A logarithmic y axis is
 * drawn as log10(y) on a linear axis labelled with our own ticks ({@link #logAxis}): XChart's own log axis labels
 * every decade, and the sMNIST gradient norms span 1e-12 to 1e44, 57 labels overlapping into one black block.
 */
public final class Charts {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    /** Values below this are drawn at it (a log axis cannot show 0); the CSVs keep the exact values. */
    public static final double FLOOR = 1e-12;
    /**
     * Added to the first x of a long series. XChart labels an axis of evenly spaced values (the 784 time steps) by a
     * rule of its own that ignores the tick spacing and put 22 touching labels under the gradient plot; values not
     * evenly spaced (by 1e-4) get its ordinary grid of about 8 labels. A thousandth of a step is not visible.
     */
    static final double EVEN_SPACING_NUDGE = 1e-3;
    /** At most this many labels on an axis. */
    public static final int MAX_LABELS = 12;

    private Charts() {
    }

    /** One line per entry of {@code series} (name to {x, y}), y on a log scale. */
    public static void logLines(Path png, Configuration conf, String title, String xTitle, String yTitle,
            Map<String, double[][]> series) {
        write(png, conf, chart(title, xTitle, yTitle, series, true));
    }

    /** One colour per group of {@link #groupedLogLines}, in order. */
    static final Color[] GROUP_COLOURS = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
        new Color(0x9467BD), new Color(0xFF7F0E), new Color(0x8C564B)};
    /** The line style of a group's first, second, ... member (then repeating). */
    static final BasicStroke[] MEMBER_STROKES = {SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT,
        SeriesLines.DASH_DOT};

    /**
     * Lines in groups, y on a log scale: {@code groups} maps a group (e.g. a model) to its members (e.g. the epochs
     * probed, in order), each a name to {x, y}. A group's lines share its hue, its members told apart by shade (the
     * first the full colour, the last 60% of the way to white) and line style (solid, dashed, dotted, dash-dot), named
     * "group, member" in the legend. Over 784 steps a dash pattern alone is hard to see.
     */
    public static void groupedLogLines(Path png, Configuration conf, String title, String xTitle, String yTitle,
            Map<String, Map<String, double[][]>> groups) {
        write(png, conf, groupedChart(title, xTitle, yTitle, groups));
    }

    /** The chart of {@link #groupedLogLines}. */
    static XYChart groupedChart(String title, String xTitle, String yTitle, Map<String, Map<String, double[][]>> groups) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        groups.forEach((group, members) -> members.forEach((member, xy) -> series.put(group + ", " + member, xy)));
        XYChart chart = chart(title, xTitle, yTitle, series, true);
        int g = 0;
        for (Map.Entry<String, Map<String, double[][]>> group : groups.entrySet()) {
            int m = 0, members = group.getValue().size();
            for (String member : group.getValue().keySet()) {
                XYSeries s = chart.getSeriesMap().get(group.getKey() + ", " + member);
                Color colour = shade(GROUP_COLOURS[g % GROUP_COLOURS.length], members < 2 ? 0 : 0.6 * m / (members - 1));
                s.setLineColor(colour);
                s.setMarkerColor(colour);
                s.setLineStyle(MEMBER_STROKES[m++ % MEMBER_STROKES.length]);
            }
            g++;
        }
        return chart;
    }

    /** {@code colour} mixed with white in proportion {@code towardsWhite} (0: itself). */
    static Color shade(Color colour, double towardsWhite) {
        return new Color(mix(colour.getRed(), towardsWhite), mix(colour.getGreen(), towardsWhite), mix(colour.getBlue(), towardsWhite));
    }

    private static int mix(int channel, double towardsWhite) {
        return (int) Math.round(channel + (255 - channel) * towardsWhite);
    }

    /**
     * Losses and accuracies of the same lines on two panels, one above the other: the losses (name to {x, y}) on a log
     * scale, the accuracies on a linear axis from 0 to 1 (on one log axis with losses, accuracies of 0.8 and 0.9 are one
     * flat line). Every line is named in both legends and keeps its colour across the panels; {@code highlight}'s
     * (null: none) is drawn thick and marked "(selected)".
     */
    public static void lossAndAccuracy(Path png, Configuration conf, String title, String xTitle,
            Map<String, double[][]> losses, String lossTitle, Map<String, double[][]> accuracies, String accuracyTitle,
            String highlight) {
        XYChart[] panels = lossAndAccuracyPanels(title, xTitle, losses, lossTitle, accuracies, accuracyTitle, highlight);
        BufferedImage top = BitmapEncoder.getBufferedImage(panels[0]);
        BufferedImage bottom = BitmapEncoder.getBufferedImage(panels[1]);
        BufferedImage both = new BufferedImage(WIDTH, top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.drawImage(top, 0, 0, null);
        g.drawImage(bottom, 0, top.getHeight(), null);
        g.dispose();
        try (OutputStream out = FileSystems.of(png, conf).create(png, true)) {
            ImageIO.write(both, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": " + e.getMessage(), e);
        }
    }

    /** The two panels of {@link #lossAndAccuracy}: the losses' chart and the accuracies'. */
    static XYChart[] lossAndAccuracyPanels(String title, String xTitle, Map<String, double[][]> losses, String lossTitle,
            Map<String, double[][]> accuracies, String accuracyTitle, String highlight) {
        XYChart loss = chart(title, xTitle, lossTitle, losses, true);
        XYChart accuracy = chart("", xTitle, accuracyTitle, accuracies, false);
        accuracy.getStyler().setYAxisMin(0.0);
        accuracy.getStyler().setYAxisMax(1.0);
        for (XYChart c : List.of(loss, accuracy)) {
            int i = 0;
            for (XYSeries s : c.getSeriesMap().values()) {
                Color colour = LINE_COLOURS[i++ % LINE_COLOURS.length];
                s.setLineColor(colour);
                s.setMarkerColor(colour);
                if (s.getName().equals(highlight)) {
                    s.setLineWidth(4f);
                    s.setLabel(highlight + " (selected)");
                }
            }
        }
        return new XYChart[] {loss, accuracy};
    }

    /** Colours told apart in a legend of up to 20 lines (Tableau 20, dark shades first), then repeating. */
    static final Color[] LINE_COLOURS = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F), new Color(0xBCBD22),
        new Color(0x17BECF), new Color(0xAEC7E8), new Color(0xFFBB78), new Color(0x98DF8A), new Color(0xFF9896),
        new Color(0xC5B0D5), new Color(0xC49C94), new Color(0xF7B6D2), new Color(0xC7C7C7), new Color(0xDBDB8D),
        new Color(0x9EDAE5)};

    /** One line per entry of {@code series} (name to {x, y}), y on a linear scale. */
    public static void linearLines(Path png, Configuration conf, String title, String xTitle, String yTitle,
            Map<String, double[][]> series) {
        write(png, conf, chart(title, xTitle, yTitle, series, false));
    }

    /** The chart, its log axis (if {@code logY}) already fitted to the drawing. */
    static XYChart chart(String title, String xTitle, String yTitle, Map<String, double[][]> series, boolean logY) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setMarkerSize(4);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[] x = e.getValue()[0].clone();
            if (x.length > MAX_LABELS) {
                x[0] += EVEN_SPACING_NUDGE;
            }
            double[] y = e.getValue()[1].clone();
            for (int i = 0; i < y.length && logY; i++) {
                double v = Math.max(y[i], FLOOR);
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                y[i] = Math.log10(v);
            }
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            if (x.length > 50) {
                s.setMarker(SeriesMarkers.NONE);
            }
        }
        if (logY) {
            logAxisOf(chart, logAxis(lo <= hi ? lo : 1, lo <= hi ? hi : 10, MAX_LABELS));
        }
        return chart;
    }

    /**
     * A logarithmic axis as exponents of ten: from the decade at or below the smallest value to the one at or above
     * the largest (at least one decade), labelled at every k-th decade, k the first of 1, 2, 5, 10, 20, 50, ... that
     * puts at most {@code maxLabels} labels on it.
     */
    public record LogAxis(int from, int to, int[] labels) {
        /** Decades between labels. */
        public int step() {
            return labels.length > 1 ? labels[1] - labels[0] : 1;
        }

        /**
         * The label of log10 value {@code v}: "1e{e}" at a whole decade e, else 10^v to 3 digits (distinct labels for
         * any grid XChart tries: it widens its grid until no two labels are equal, forever if they can be).
         */
        public String label(double v) {
            long e = Math.round(v);
            return Math.abs(v - e) < 1e-9 ? "1e" + e : String.format(Locale.ROOT, "%.3g", Math.pow(10, v));
        }
    }

    /** The axis for values in [lo, hi] (0 < lo <= hi, finite) with at most {@code maxLabels} (>= 2) labels. */
    public static LogAxis logAxis(double lo, double hi, int maxLabels) {
        if (!(lo > 0 && lo <= hi && Double.isFinite(hi)) || maxLabels < 2) {
            throw new IllegalArgumentException("log axis over [" + lo + ", " + hi + "] with at most " + maxLabels + " labels");
        }
        int from = (int) Math.floor(Math.log10(lo));
        int to = Math.max((int) Math.ceil(Math.log10(hi)), from + 1);
        for (int step = 1; ; step = nextStep(step)) {
            int first = -Math.floorDiv(-from, step) * step;
            int count = (Math.floorDiv(to, step) * step - first) / step + 1;
            if (count <= maxLabels) {
                int[] labels = new int[count];
                for (int j = 0; j < count; j++) {
                    labels[j] = first + j * step;
                }
                return new LogAxis(from, to, labels);
            }
        }
    }

    /** The step after {@code step} in 1, 2, 5, 10, 20, 50, ... */
    static int nextStep(int step) {
        int decade = 1;
        while (decade * 10 <= step) {
            decade *= 10;
        }
        int mantissa = step / decade;
        return (mantissa == 1 ? 2 : mantissa == 2 ? 5 : 10) * decade;
    }

    /**
     * Draws log10(y) from {@code axis.from()} to {@code axis.to()} with XChart's grid on exactly the labelled decades.
     * XChart's grid step is (span / axis pixels) times its tick spacing hint, rounded to 1, 2 or 5 times a power of
     * ten (from 0.75 to 1.5 times a step rounds to it), and it draws no grid at all when the hint exceeds the axis
     * pixels. One drawing measures the pixels per decade; a hint of 0.9 label steps makes the grid step the label step.
     */
    private static void logAxisOf(XYChart chart, LogAxis axis) {
        XYStyler styler = chart.getStyler();
        styler.setYAxisMin((double) axis.from());
        styler.setYAxisMax((double) axis.to());
        chart.setCustomYAxisTickLabelsFormatter(axis::label);
        BitmapEncoder.getBufferedImage(chart);
        double perDecade = Math.abs(chart.getScreenYFromChart(axis.to()) - chart.getScreenYFromChart(axis.from()))
                / (axis.to() - axis.from());
        styler.setYAxisTickMarkSpacingHint((int) Math.round(0.9 * axis.step() * perDecade));
    }

    private static void write(Path png, Configuration conf, XYChart chart) {
        try (OutputStream out = FileSystems.of(png, conf).create(png, true)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": " + e.getMessage(), e);
        }
    }
}
