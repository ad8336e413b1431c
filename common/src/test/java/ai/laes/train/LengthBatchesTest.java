package ai.laes.train;

import ai.laes.train.bench.PaddingBenchmark;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LengthBatches}: a partition of the indices, length-contiguous batches, little padding, a pure function of (seed, epoch). */
class LengthBatchesTest {
    private static final int N = 2048, BATCH = 32;
    private static final int[] SKEWED = PaddingBenchmark.skewedLengths(N, 10, 400, 5);

    @Test
    void everyIndexIsInExactlyOneBatchOfTheRightSize() {
        for (List<int[]> plan : List.of(LengthBatches.plan(SKEWED, BATCH, 1, 0), LengthBatches.random(SKEWED, BATCH, 1, 0),
                LengthBatches.plan(new int[]{5, 5, 5, 9, 1, 2, 3}, 3, 2, 4))) {
            int n = plan.stream().mapToInt(b -> b.length).sum();
            int[] seen = new int[n];
            for (int[] batch : plan) {
                for (int i : batch) {
                    seen[i]++;
                }
            }
            int[] ones = new int[n];
            Arrays.fill(ones, 1);
            assertArrayEquals(ones, seen, "each index exactly once");
            long small = plan.stream().filter(b -> b.length != plan.get(0).length).count();
            assertTrue(small <= 1, "all batches full but at most one");
        }
        assertEquals(N, LengthBatches.plan(SKEWED, BATCH, 1, 0).stream().mapToInt(b -> b.length).sum());
        assertEquals(N / BATCH, LengthBatches.plan(SKEWED, BATCH, 1, 0).size());
        assertEquals(3, LengthBatches.plan(new int[]{5, 5, 5, 9, 1, 2, 3}, 3, 2, 4).size(), "7 in batches of 3: 3, 3, 1");
    }

    /** Each batch is a run of the sorted lengths: the length ranges of two batches overlap at most at one value. */
    @Test
    void batchesSpanConsecutiveLengths() {
        List<int[]> plan = LengthBatches.plan(SKEWED, BATCH, 3, 1);
        List<int[]> ranges = new ArrayList<>();
        for (int[] batch : plan) {
            int lo = Integer.MAX_VALUE, hi = 0;
            for (int i : batch) {
                lo = Math.min(lo, SKEWED[i]);
                hi = Math.max(hi, SKEWED[i]);
            }
            ranges.add(new int[]{lo, hi});
        }
        for (int[] a : ranges) {
            for (int[] b : ranges) {
                assertTrue(a == b || a[1] <= b[0] || b[1] <= a[0],
                        "ranges " + Arrays.toString(a) + " and " + Arrays.toString(b) + " overlap");
            }
        }
        boolean ascending = true;
        for (int j = 1; j < ranges.size(); j++) {
            ascending &= ranges.get(j)[0] >= ranges.get(j - 1)[0];
        }
        assertFalse(ascending, "the batches' order is shuffled, not short to long");
    }

    @Test
    void paddingIsFarBelowRandomBatchingOnSkewedLengths() {
        double byLength = LengthBatches.paddedFraction(SKEWED, LengthBatches.plan(SKEWED, BATCH, 7, 0));
        double random = LengthBatches.paddedFraction(SKEWED, LengthBatches.random(SKEWED, BATCH, 7, 0));
        assertTrue(random > 0.7, "random batches of skewed lengths are mostly padding, got " + random);
        assertTrue(byLength < 0.1, "length batches pad little (most of it in the tail's few batches), got " + byLength);
        assertTrue(byLength < random / 8, byLength + " vs " + random);
    }

    @Test
    void paddedFractionCountsEachBatchToItsLongest() {
        int[] lengths = {1, 3, 7, 7, 12};
        // [1, 3]: 2 x 3 = 6 steps, 4 real; [7, 7, 12]: 3 x 12 = 36, 26 real: 12 padded of 42
        assertEquals(12.0 / 42, LengthBatches.paddedFraction(lengths, List.of(new int[]{0, 1}, new int[]{2, 3, 4})), 1e-15);
        assertEquals(0.0, LengthBatches.paddedFraction(lengths, List.of()), 0.0);
        assertEquals(0.0, LengthBatches.paddedFraction(new int[]{4, 4}, List.of(new int[]{1, 0})), 0.0);
    }

    @Test
    void thePlanIsAPureFunctionOfSeedAndEpoch() {
        assertSame(LengthBatches.plan(SKEWED, BATCH, 9, 2), LengthBatches.plan(SKEWED, BATCH, 9, 2), true);
        assertSame(LengthBatches.plan(SKEWED, BATCH, 9, 2), LengthBatches.plan(SKEWED, BATCH, 9, 3), false);
        assertSame(LengthBatches.plan(SKEWED, BATCH, 9, 2), LengthBatches.plan(SKEWED, BATCH, 10, 2), false);
        assertSame(LengthBatches.random(SKEWED, BATCH, 9, 2), LengthBatches.random(SKEWED, BATCH, 9, 2), true);
        assertSame(LengthBatches.random(SKEWED, BATCH, 9, 2), LengthBatches.random(SKEWED, BATCH, 9, 3), false);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LengthBatches.plan(new int[]{3, 0}, 2, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> LengthBatches.plan(new int[]{3}, 0, 1, 0));
    }

    private static void assertSame(List<int[]> a, List<int[]> b, boolean same) {
        boolean equal = a.size() == b.size();
        for (int j = 0; equal && j < a.size(); j++) {
            equal = Arrays.equals(a.get(j), b.get(j));
        }
        assertEquals(same, equal, same ? "same seed and epoch, same plan" : "another seed or epoch, another plan");
    }
}
