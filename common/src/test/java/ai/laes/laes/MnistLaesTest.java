package ai.laes.laes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.spark.SparkTestBase;
import ai.laes.spark.TestData;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

/**
 * Real sequential MNIST (k = 1, pixels / 255): the first 300 training images. The literal route
 * materialises one prefix row per pixel, so the sequences are cropped to their last 196 pixels
 * (58,800 rows of 196 columns) to keep computeSVD's distributed ARPACK passes short: about 30 s here,
 * against 43 s for just 200 synthetic sequences of 784 steps in LaesBenchmark.
 */
class MnistLaesTest extends SparkTestBase {
    private static final int IMAGES = 300;
    private static final int CROP = 196;

    /** The first {@code count} images of the gzipped IDX file, each scaled to [0, 1]. */
    static List<double[]> readImages(String file, int count) throws IOException {
        try (InputStream raw = Files.newInputStream(TestData.mnistDir().resolve(file));
             DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw)))) {
            assertEquals(2051, in.readInt(), "IDX image magic");
            int available = in.readInt();
            int pixels = in.readInt() * in.readInt();
            List<double[]> images = new ArrayList<>();
            byte[] buffer = new byte[pixels];
            for (int i = 0; i < Math.min(count, available); i++) {
                in.readFully(buffer);
                double[] image = new double[pixels];
                for (int j = 0; j < pixels; j++) {
                    image[j] = (buffer[j] & 0xff) / 255.0;
                }
                images.add(image);
            }
            return images;
        }
    }

    @Test
    void gramAndLiteralRoutesAgreeAndBeatTheMeanOnRealMnist() throws IOException {
        List<double[]> images = readImages("train-images-idx3-ubyte.gz", IMAGES);
        assertEquals(IMAGES, images.size());
        List<double[]> tails = new ArrayList<>();
        for (double[] image : images) {
            tails.add(Arrays.copyOfRange(image, image.length - CROP, image.length));
        }
        JavaRDD<double[]> seqs = jsc.parallelize(tails, 2).cache();
        int p = 16;
        LaesModel gram = Laes.fit(seqs, 1, p, SvdRoute.GRAM, GramRoute.BLOCKED);
        LaesModel xi = Laes.fit(seqs, 1, p, SvdRoute.XI, GramRoute.BLOCKED);
        double[] sg = gram.singularValues();
        double[] sx = xi.singularValues();
        for (int c = 0; c < p; c++) {
            assertEquals(sx[c], sg[c], 1e-8 * sx[c], "singular value " + c);
        }
        assertTrue(gram.sigmaRatio() > 0 && gram.sigmaRatio() < 1);

        double[] mse = gram.reconstructionMsePerLag(seqs, jsc);
        double[] baseline = ReconstructionError.meanBaselinePerLag(gram.mu(), CROP, seqs);
        double laesTotal = Arrays.stream(mse).sum();
        double baselineTotal = Arrays.stream(baseline).sum();
        assertTrue(laesTotal < baselineTotal, "LAES MSE " + laesTotal / CROP + " vs mean-only " + baselineTotal / CROP);
        // also on the newest half of the lags on its own (the bottom rows are sparse, so the margin is modest)
        double recent = Arrays.stream(mse, 0, CROP / 2).sum();
        double recentBaseline = Arrays.stream(baseline, 0, CROP / 2).sum();
        assertTrue(recent < recentBaseline, "recent LAES " + recent + " vs mean-only " + recentBaseline);
        seqs.unpersist();
    }
}
