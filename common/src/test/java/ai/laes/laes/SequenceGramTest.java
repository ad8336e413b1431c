package ai.laes.laes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.spark.SparkTestBase;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** G assembled from the end-aligned Gram equals Xi^T Xi built literally, for both Gram routes. */
class SequenceGramTest extends SparkTestBase {

    @ParameterizedTest(name = "k={0}, lengths {1}..{2}")
    @CsvSource({"1, 9, 9", "1, 2, 9", "2, 7, 7", "2, 1, 7", "3, 5, 5", "3, 2, 6"})
    void structuredGramEqualsBruteForceXiTXi(int k, int minSteps, int maxSteps) {
        List<double[]> seqs = new SyntheticSequences(11 + k, k).generate(23, minSteps, maxSteps);
        JavaRDD<double[]> rdd = jsc.parallelize(seqs, 3);
        SequenceStats stats = SequenceMean.of(rdd, k);
        double[] mu = BruteForce.mean(seqs, k);
        assertArrayEquals(mu, stats.mu(), 1e-12);

        double[] expected = BruteForce.gram(BruteForce.xi(seqs, k, mu));
        int tSteps = stats.maxSteps();
        double[] viaRowMatrix = SequenceGram.compute(rdd, k, tSteps, stats.mu(), GramRoute.ROW_MATRIX);
        double[] viaBlocks = SequenceGram.viaBlocks(rdd, stats.mu(), tSteps, 4); // several blocks per partition

        assertTrue(BruteForce.relativeError(viaBlocks, viaRowMatrix) < 1e-12, "Gram routes disagree");
        for (double[] m : List.of(viaRowMatrix, viaBlocks)) {
            double err = BruteForce.relativeError(LaesGram.assemble(m, tSteps, k), expected);
            assertTrue(err < 1e-10, "G vs brute-force Xi^T Xi: relative error " + err);
        }
    }

    @ParameterizedTest(name = "k={0}")
    @CsvSource({"1", "2"})
    void assemblyUsesTheRecurrenceNotTheGramItself(int k) {
        // G differs from M as soon as sequences are longer than one step: guards against a no-op assembly.
        List<double[]> seqs = new SyntheticSequences(5, k).generate(10, 4, 4);
        JavaRDD<double[]> rdd = jsc.parallelize(seqs, 2);
        SequenceStats stats = SequenceMean.of(rdd, k);
        double[] m = SequenceGram.compute(rdd, k, 4, stats.mu(), GramRoute.BLOCKED);
        double[] g = LaesGram.assemble(m, 4, k);
        assertTrue(BruteForce.relativeError(m, g) > 0.1);
        assertEquals(16 * k * k, g.length);
    }
}
