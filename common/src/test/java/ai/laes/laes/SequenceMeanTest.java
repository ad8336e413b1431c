package ai.laes.laes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.io.InputException;
import ai.laes.spark.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void centeringSubtractsMuPerFeature() {
        double[] centred = SequenceMean.center(new double[]{1, 10, 2, 20}, new double[]{1, 10});
        assertArrayEquals(new double[]{0, 0, 1, 10}, centred, 0);
    }
}
