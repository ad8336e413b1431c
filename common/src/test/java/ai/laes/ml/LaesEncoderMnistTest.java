package ai.laes.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.laes.laes.Laes;
import ai.laes.laes.LaesModel;
import ai.laes.spark.SparkTestBase;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The estimator on real MNIST read row by row (k = 28 features per step, T = 28 steps, pixel / 255) against the route
 * the pretrain job takes, {@link Laes#fit} on the same rows' flattened sequences: the same A and B from every layout
 * of the column, and on ragged data the same final states as {@link LaesModel#finalState} of each sequence alone.
 */
class LaesEncoderMnistTest extends SparkTestBase {
    private static final int ROWS = 2000;
    private static final int P = 16;
    private static final double TOLERANCE = 1e-12;
    private static MnistFrames mnist;

    @BeforeAll
    static void read() {
        mnist = MnistFrames.of("train");
    }

    @Test
    void everyLayoutGivesTheLaesOfThePretrainRoute() {
        List<double[]> sequences = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            sequences.add(mnist.sequence(i, MnistFrames.SIDE));
        }
        LaesModel reference = Laes.fit(jsc.parallelize(sequences, 2), MnistFrames.SIDE, P);

        LaesEncoder nested = new LaesEncoder().setInputCol("sequence").setMemorySize(P);
        assertSameLaes("array<array<double>>", reference, nested.fit(mnist.nested(spark, 0, ROWS)));
        LaesEncoder flat = new LaesEncoder().setInputCol("sequence").setMemorySize(P).setFeatureSize(MnistFrames.SIDE);
        assertSameLaes("array<double>", reference, flat.fit(mnist.flat(spark, 0, ROWS)));
        assertSameLaes("vector", reference, flat.fit(mnist.vectors(spark, 0, ROWS)));
    }

    @Test
    void raggedRowsFitAndEachFinalStateIsThatOfTheSequenceAlone() {
        int[] lengths = new int[24];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 5 + (i * 7) % 24; // 5..28, in a scrambled order
        }
        int rows = 600;
        Dataset<Row> frame = mnist.nested(spark, 0, rows, lengths).repartition(3);
        LaesEncoderModel model = new LaesEncoder().setInputCol("sequence").setOutputCol("state").setMemorySize(P)
                .fit(frame);
        List<double[]> sequences = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            sequences.add(mnist.sequence(i, lengths[i % lengths.length]));
        }
        assertSameLaes("ragged", Laes.fit(jsc.parallelize(sequences, 3), MnistFrames.SIDE, P), model);

        LaesModel laes = model.laesModel();
        List<Row> out = model.transform(frame).select("id", "state", "label", "sequence").collectAsList();
        assertEquals(rows, out.size());
        double worst = 0;
        for (Row r : out) {
            int i = r.getInt(0);
            double[] alone = laes.finalState(mnist.sequence(i, lengths[i % lengths.length]));
            double[] state = ((Vector) r.get(1)).toArray();
            assertEquals(P, state.length);
            assertEquals(mnist.label(i), r.getDouble(2), "the other columns are kept");
            for (int c = 0; c < P; c++) {
                worst = Math.max(worst, Math.abs(state[c] - alone[c]));
            }
        }
        System.out.printf("LaesEncoderMnistTest ragged: max|y_n (transform) - y_n (finalState)| = %.2e%n", worst);
        assertTrue(worst < 1e-10, "final states differ by " + worst);

        double[] perLag = model.reconstructionError(frame);
        assertArrayEquals(laes.reconstructionMsePerLag(jsc.parallelize(sequences, 3), jsc), perLag, 1e-12);
        assertEquals(MnistFrames.SIDE, perLag.length);
    }

    /** A, B, mu and the singular values of the model equal the reference's to {@link #TOLERANCE}. */
    private static void assertSameLaes(String layout, LaesModel reference, LaesEncoderModel model) {
        DenseMatrix a = model.getA();
        DenseMatrix b = model.getB();
        assertEquals(P, a.numRows(), layout);
        assertEquals(MnistFrames.SIDE, a.numCols(), layout);
        double worst = 0;
        double[][] ra = reference.a();
        double[][] rb = reference.b();
        for (int c = 0; c < P; c++) {
            for (int f = 0; f < MnistFrames.SIDE; f++) {
                worst = Math.max(worst, Math.abs(a.apply(c, f) - ra[c][f]));
            }
            for (int d = 0; d < P; d++) {
                worst = Math.max(worst, Math.abs(b.apply(c, d) - rb[c][d]));
            }
        }
        System.out.printf("LaesEncoderMnistTest %s: max|A, B - Laes.fit| = %.2e%n", layout, worst);
        assertTrue(worst <= TOLERANCE, layout + ": A and B differ from Laes.fit by " + worst);
        assertArrayEquals(reference.mu(), model.getMean().toArray(), TOLERANCE, layout + ": mu");
        // the top p; the trailing ones are square roots of eigenvalues at rounding level, whose bits follow the
        // order in which the partial Grams were summed
        double[] s = model.getSingularValues().toArray();
        assertEquals(reference.singularValues().length, s.length, layout);
        assertArrayEquals(Arrays.copyOf(reference.singularValues(), P), Arrays.copyOf(s, P),
                TOLERANCE * s[0], layout + ": singular values");
    }
}
