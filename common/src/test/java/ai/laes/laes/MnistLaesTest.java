package ai.laes.laes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.numerics.NumericsCheckFailed;
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
import java.util.Map;
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

    /**
     * The real size of the product's problem: T = 784, p = 128, the Gram of the first 2,000 real sMNIST
     * training sequences. The checks' figures must be near rounding, the LAES stable, and its decoding of
     * the newest steps of unseen test sequences far better than the mean. Then ND4J's native solver on the
     * same G: either it agrees with netlib's (to 1e-9, up to sign) or the check refuses it, as it does with
     * the SkylakeX kernels of the bundled OpenBLAS on AVX-512 CPUs.
     */
    @Test
    void theLaesOfRealMnistAtFullSizeIsCheckedStableAndDecodesTheNewestSteps() throws IOException {
        JavaRDD<double[]> train = jsc.parallelize(readImages("train-images-idx3-ubyte.gz", 2000), 2).cache();
        int p = 128;
        LaesModel laes = Laes.fit(train, 1, p);
        Map<String, Object> checks = laes.checks();
        assertTrue((Double) checks.get("orthonormality_error") < 1e-10, checks.toString());
        assertTrue((Double) checks.get("eigen_residual") < 1e-10, checks.toString());
        assertTrue((Double) checks.get("spectral_norm_B") <= 1 + 1e-10, checks.toString());
        assertTrue((Double) checks.get("spectral_radius_B") < 1, checks.toString());
        assertTrue((Double) checks.get("diag_AAt_BBt_max") <= 1 + 1e-10, checks.toString());

        JavaRDD<double[]> test = jsc.parallelize(readImages("t10k-images-idx3-ubyte.gz", 500), 2);
        double[] mse = laes.reconstructionMsePerLag(test, jsc);
        double[] baseline = ReconstructionError.meanBaselinePerLag(laes.mu(), 784, test);
        double newest = Arrays.stream(mse, 0, 100).sum();
        double newestBaseline = Arrays.stream(baseline, 0, 100).sum();
        assertTrue(newest < 0.3 * newestBaseline, "newest 100 steps: LAES " + newest / 100 + " vs mean-only "
                + newestBaseline / 100);
        double all = Arrays.stream(mse).sum();
        assertTrue(all < Arrays.stream(baseline).sum(), "LAES " + all / 784);

        SequenceStats stats = SequenceMean.of(train, 1);
        double[] g = LaesGram.assemble(SequenceGram.compute(train, 1, 784, stats.mu(), GramRoute.BLOCKED), 784, 1);
        LaesComponents netlib = LaesSolver.topComponents(g, 784, p, EigenSolver.NETLIB);
        try {
            LaesComponents nd4j = LaesSolver.topComponents(g, 784, p, EigenSolver.ND4J);
            double[] a = netlib.up();
            double[] b = nd4j.up();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-9, "U_p entry " + i + " (sign-normalised)");
            }
        } catch (NumericsCheckFailed refused) {
            assertTrue(refused.getMessage().contains("numerics check"), refused.getMessage());
            System.out.println("ND4J's native dsyev refused on this CPU: " + refused.getMessage());
        }
        train.unpersist();
    }
}
