package ai.laes.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** dataset.json's length distribution from counts per length: min, lower median, max, equal-width bins. */
class LengthDistributionTest {
    @Test
    void oneLengthIsOneBin() {
        LengthDistribution d = new LengthDistribution(Map.of(784, 70000L));
        assertEquals(Map.of("min", 784, "median", 784, "max", 784, "histogram", List.of(Map.of("from", 784, "to", 784, "count", 70000L))),
                d.toJson());
    }

    @Test
    void theMedianIsTheLowerMiddleLength() {
        assertEquals(3, new LengthDistribution(Map.of(1, 1L, 3, 1L, 5, 1L)).median());
        assertEquals(3, new LengthDistribution(Map.of(1, 1L, 3, 1L, 5, 1L, 7, 1L)).median(), "even count: the lower middle");
        assertEquals(1, new LengthDistribution(Map.of(1, 5L, 100, 4L)).median());
        assertEquals(100, new LengthDistribution(Map.of(1, 4L, 100, 5L)).median());
    }

    @Test
    void binsHaveEqualWidthsAndCountEverySequence() {
        LengthDistribution d = new LengthDistribution(Map.of(20, 3L, 39, 1L, 40, 2L, 400, 7L));
        List<Map<String, Object>> bins = d.histogram();
        assertEquals(LengthDistribution.BINS, bins.size());
        assertEquals(Map.of("from", 20, "to", 39, "count", 4L), bins.get(0));
        assertEquals(Map.of("from", 40, "to", 59, "count", 2L), bins.get(1));
        assertEquals(Map.of("from", 400, "to", 400, "count", 7L), bins.get(bins.size() - 1), "the last bin ends at the max");
        assertEquals(13L, bins.stream().mapToLong(b -> (Long) b.get("count")).sum());
        assertEquals(3, new LengthDistribution(Map.of(1, 1L, 2, 1L, 3, 1L)).histogram().size(), "never wider than the range");
    }

    @Test
    void noSequencesIsNotADistribution() {
        assertThrows(IllegalArgumentException.class, () -> new LengthDistribution(Map.of(5, 0L)));
    }
}
