package ai.laes.report;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import ai.laes.io.FileSystems;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** Line charts (y linear or logarithmic), drawn headless with XChart and written as PNG. */
public final class Charts {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    /** Values below this are drawn at it (a log axis cannot show 0); the CSVs keep the exact values. */
    public static final double FLOOR = 1e-12;

    private Charts() {
    }

    /** One line per entry of {@code series} (name to {x, y}), y on a log scale. */
    public static void logLines(Path png, Configuration conf, String title, String xTitle, String yTitle,
            Map<String, double[][]> series) {
        lines(png, conf, title, xTitle, yTitle, series, true, null);
    }

    /** One line per entry of {@code series} (name to {x, y}), y on a linear scale. */
    public static void linearLines(Path png, Configuration conf, String title, String xTitle, String yTitle,
            Map<String, double[][]> series) {
        lines(png, conf, title, xTitle, yTitle, series, false, null);
    }

    /**
     * One line per entry of {@code series} (name to {x, y}), y on a log scale, every line thin and grey but
     * {@code highlight}'s, drawn thick and alone in the legend (for many lines, e.g. a grid's validation curves).
     */
    public static void highlightedLogLines(Path png, Configuration conf, String title, String xTitle, String yTitle,
            Map<String, double[][]> series, String highlight) {
        lines(png, conf, title, xTitle, yTitle, series, true, highlight);
    }

    private static void lines(Path png, Configuration conf, String title, String xTitle, String yTitle,
            Map<String, double[][]> series, boolean logY, String highlight) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setMarkerSize(4);
        series.forEach((name, xy) -> {
            double[] y = xy[1].clone();
            for (int i = 0; i < y.length && logY; i++) {
                y[i] = Math.max(y[i], FLOOR);
            }
            XYSeries s = chart.addSeries(name, xy[0], y);
            if (xy[0].length > 50) {
                s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            }
            if (highlight != null && !name.equals(highlight)) {
                s.setLineColor(Color.LIGHT_GRAY);
                s.setMarkerColor(Color.LIGHT_GRAY);
                s.setLineWidth(1f);
                s.setShowInLegend(false);
            }
        });
        if (highlight != null && series.containsKey(highlight)) { // drawn last: on top of the grey lines
            XYSeries top = chart.removeSeries(highlight);
            XYSeries again = chart.addSeries(highlight + " (selected)", top.getXData(), top.getYData());
            again.setLineColor(Color.RED);
            again.setMarkerColor(Color.RED);
            again.setLineWidth(3f);
        }
        try (OutputStream out = FileSystems.of(png, conf).create(png, true)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": " + e.getMessage(), e);
        }
    }
}
