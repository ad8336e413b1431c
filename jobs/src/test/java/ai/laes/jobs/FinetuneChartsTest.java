package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.laes.report.Charts;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fine-tune job's pictures drawn from a run's files: every epoch recorded (also those before a resume), the chosen
 * one marked; the gradient picture only when an epoch was probed.
 */
class FinetuneChartsTest {
    @TempDir
    Path dir;

    @Test
    void curvesHoldEveryRecordedEpochAndMarkTheChosenOne() throws IOException {
        Files.writeString(dir.resolve("initial.json"), "{\"val_loss\": 2.3, \"val_accuracy\": 0.1}");
        Files.writeString(dir.resolve("metrics.jsonl"), String.join("\n",
                "{\"epoch\": 1, \"train_loss\": 2.0, \"val_loss\": 1.9, \"val_accuracy\": 0.3, \"seconds\": 1}",
                "{\"epoch\": 2, \"train_loss\": 1.5, \"val_loss\": 1.2, \"val_accuracy\": 0.6, \"seconds\": 1}",
                "{\"epoch\": 3, \"train_loss\": 1.1, \"val_loss\": 1.4, \"val_accuracy\": 0.5, \"seconds\": 1}") + "\n");
        org.apache.hadoop.fs.Path work = new org.apache.hadoop.fs.Path(dir.toUri());
        List<EpochMetrics> epochs = EpochMetrics.read(work, new Configuration());
        Map<String, double[][]> losses = FinetuneCharts.losses(epochs, 2);
        assertEquals(List.of("training loss", "validation loss", "chosen: epoch 2"), List.copyOf(losses.keySet()));
        assertArrayEquals(new double[][] {{1, 2, 3}, {2.0, 1.5, 1.1}}, losses.get("training loss"));
        assertArrayEquals(new double[][] {{0, 1, 2, 3}, {2.3, 1.9, 1.2, 1.4}}, losses.get("validation loss"));
        assertArrayEquals(new double[][] {{2}, {1.2}}, losses.get("chosen: epoch 2"));
        Map<String, double[][]> accuracy = FinetuneCharts.accuracy(epochs, 2);
        assertEquals(List.of("validation accuracy", "chosen: epoch 2"), List.copyOf(accuracy.keySet()));
        assertArrayEquals(new double[][] {{0, 1, 2, 3}, {0.1, 0.3, 0.6, 0.5}}, accuracy.get("validation accuracy"));
        assertArrayEquals(new double[][] {{2}, {0.6}}, accuracy.get("chosen: epoch 2"));

        FinetuneCharts.draw(work, 2, List.of("1,0,1,0.5", "1,0,2,0.25", "3,6,1,1e-3", "3,6,2,2e-3"), new Configuration());
        assertPanels(dir.resolve(FinetuneCharts.CURVES));
        assertPng(dir.resolve(FinetuneCharts.GRADIENTS));
    }

    @Test
    void gradientsHaveOneLinePerProbedEpochAndNoPictureWithoutAProbe() throws IOException {
        Map<String, double[][]> lines = FinetuneCharts.gradients(List.of("1,0,1,0.5", "1,0,2,0.25", "3,6,1,1e-3", "3,6,2,2e-3"));
        assertEquals(List.of("epoch 1", "epoch 3"), List.copyOf(lines.keySet()));
        assertArrayEquals(new double[][] {{1, 2}, {1e-3, 2e-3}}, lines.get("epoch 3"));

        Files.writeString(dir.resolve("initial.json"), "{\"val_loss\": 2.3, \"val_accuracy\": 0.1}");
        org.apache.hadoop.fs.Path work = new org.apache.hadoop.fs.Path(dir.toUri());
        assertEquals(List.of("validation loss", "chosen: epoch 0"),
                List.copyOf(FinetuneCharts.losses(EpochMetrics.read(work, new Configuration()), 0).keySet()));
        FinetuneCharts.draw(work, 0, List.of(), new Configuration());
        assertPanels(dir.resolve(FinetuneCharts.CURVES));
        assertFalse(Files.exists(dir.resolve(FinetuneCharts.GRADIENTS)), "no gradients.png without a probed epoch");
    }

    /** Asserts that {@code png} is two charts one above the other (losses, then accuracy): twice a chart's height. */
    static void assertPanels(Path png) throws IOException {
        BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not an image ImageIO reads");
        assertEquals(Charts.WIDTH, image.getWidth(), png.toString());
        assertEquals(2 * Charts.HEIGHT, image.getHeight(), png.toString());
    }

    /** Asserts that {@code png} decodes as an image of the charts' size. */
    static void assertPng(Path png) throws IOException {
        BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not an image ImageIO reads");
        assertEquals(Charts.WIDTH, image.getWidth(), png.toString());
        assertEquals(Charts.HEIGHT, image.getHeight(), png.toString());
    }
}
