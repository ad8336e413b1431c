package ai.laes.laes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.io.InputException;
import ai.laes.spark.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

class SequenceMeanTest extends SparkTestBase {

    @Test
    void meanIsWeightedByLengthAndMatchesBruteForce() {
        int k = 3;
        List<double[]> seqs = new SyntheticSequences(3, k).generate(40, 1, 12);
        SequenceStats stats = SequenceMean.of(jsc.parallelize(seqs, 4), k);
        assertArrayEquals(BruteForce.mean(seqs, k), stats.mu(), 1e-12);
        int longest = seqs.stream().mapToInt(s -> s.length / k).max().orElseThrow();
        long steps = seqs.stream().mapToLong(s -> s.length / k).sum();
        assertEquals(longest, stats.maxSteps());
        assertEquals(steps, stats.totalSteps());
        assertEquals(40, stats.sequences());
    }

    @Test
    void lengthWeightingDiffersFromMeanOfSequenceMeans() {
        List<double[]> seqs = List.of(new double[]{0.0}, new double[]{3.0, 3.0, 3.0});
        SequenceStats stats = SequenceMean.of(jsc.parallelize(seqs, 2), 1);
        assertEquals(9.0 / 4.0, stats.mu()[0], 1e-15); // not (0 + 3) / 2
    }

    @Test
    void raggedOrEmptyInputIsRejectedWithANamedReason() {
        List<double[]> seqs = new ArrayList<>(new SyntheticSequences(3, 2).generate(5, 3, 3));
        seqs.add(new double[5]);
        InputException bad = assertThrows(InputException.class, () -> SequenceMean.of(jsc.parallelize(seqs, 2), 2));
        assertTrue(bad.getMessage().contains("k=2") && bad.getMessage().contains("5"), bad.getMessage());
        InputException empty = assertThrows(InputException.class,
                () -> SequenceMean.of(jsc.parallelize(List.<double[]>of(), 1), 2));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        assertThrows(InputException.class, () -> SequenceMean.of(jsc.parallelize(seqs, 2), 0));
    }

    /** 40 generated sequences of 1..12 steps of k=2 features, over 4 partitions, with {@code value} in sequence 17, step 3, feature 1. */
    private List<double[]> withNonFinite(double value) {
        List<double[]> seqs = new ArrayList<>(new SyntheticSequences(5, 2).generate(40, 3, 12));
        seqs.get(17)[2 * 2 + 1] = value;
        seqs.get(33)[0] = value;
        return seqs;
    }

    @Test
    void nonFiniteValuesAreRejectedInTheMeanPassNamingTheFirstSequenceAndStep() {
        for (double value : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            JavaRDD<double[]> rdd = jsc.parallelize(withNonFinite(value), 4);
            jsc.setJobGroup("mean-" + value, "the mean pass", false);
            InputException e = assertThrows(InputException.class, () -> Laes.fit(rdd, 2, 3));
            jsc.clearJobGroup();
            assertEquals(1, jsc.statusTracker().getJobIdsForGroup("mean-" + value).length, "found by the mean pass itself, no extra job");
            String m = e.getMessage();
            assertEquals(1, m.lines().count(), m);
            assertTrue(m.contains("sequence 17 ") && m.contains("value " + value + " at step 3, feature 1")
                    && m.contains("2 sequence(s)"), m);
        }
    }

    @Test
    void reconstructionErrorRejectsNonFiniteSequences() {
        LaesModel model = Laes.fit(jsc.parallelize(new SyntheticSequences(5, 2).generate(40, 3, 12), 2), 2, 3);
        for (double value : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            JavaRDD<double[]> rdd = jsc.parallelize(withNonFinite(value), 4);
            for (var error : List.<Supplier<double[]>>of(() -> model.reconstructionMsePerLag(rdd, jsc),
                    () -> ReconstructionError.meanBaselinePerLag(model.mu(), model.maxSteps(), rdd))) {
                InputException e = assertThrows(InputException.class, error::get);
                String m = e.getMessage();
                assertEquals(1, m.lines().count(), m);
                // 40 sequences in 4 slices of 10: sequence 17 is the 8th of partition 1, sequence 33 the 4th of partition 3.
                assertTrue(m.contains("sequence 7 of partition 1 has the non-finite value " + value + " at step 3, feature 1")
                        || m.contains("sequence 3 of partition 3 has the non-finite value " + value + " at step 1, feature 0"), m);
            }
        }
    }

    @Test
    void centeringSubtractsMuPerFeature() {
        double[] centred = SequenceMean.center(new double[]{1, 10, 2, 20}, new double[]{1, 10});
        assertArrayEquals(new double[]{0, 0, 1, 10}, centred, 0);
    }
}
