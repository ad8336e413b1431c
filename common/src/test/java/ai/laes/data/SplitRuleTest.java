package ai.laes.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The split by fractions: a fixed function of (id, seed), uniform enough to give about the fractions. */
class SplitRuleTest {
    @Test
    void theSameIdAndSeedGiveTheSameNumber() {
        assertEquals(SplitRule.uniform("row-17", 42), SplitRule.uniform("row-17", 42), 0.0);
        assertNotEquals(SplitRule.uniform("row-17", 42), SplitRule.uniform("row-17", 43));
        assertNotEquals(SplitRule.uniform("row-17", 42), SplitRule.uniform("row-18", 42));
        // Pinned (the documented FNV-1a + SplitMix64, recomputed independently): a change of the hash would move rows
        // between the splits of datasets prepared before.
        assertEquals(0.28140238044150934, SplitRule.uniform("0", 42), 0.0);
        assertEquals(0.09325590114298232, SplitRule.uniform("img-0007", 7), 0.0);
    }

    @Test
    void sequentialIdsFillTheSplitsInProportion() {
        SplitRule rule = SplitRule.byFractions(0.1, 0.2, 42);
        Map<Split, Integer> sizes = new EnumMap<>(Split.class);
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double u = SplitRule.uniform(Integer.toString(i), 42);
            assertTrue(u >= 0 && u < 1, "u = " + u);
            sizes.merge(rule.byHash(Integer.toString(i)), 1, Integer::sum);
        }
        assertEquals(0.1, sizes.get(Split.VALIDATION) / (double) n, 0.005);
        assertEquals(0.2, sizes.get(Split.TEST) / (double) n, 0.005);
        assertEquals(0.7, sizes.get(Split.TRAIN) / (double) n, 0.005);
    }

    @Test
    void splitValuesAreTheDirectoryNames() {
        assertEquals(Split.TRAIN, SplitRule.named("train"));
        assertEquals(Split.VALIDATION, SplitRule.named("validation"));
        assertEquals(Split.TEST, SplitRule.named("test"));
        assertNull(SplitRule.named("Train"));
        assertNull(SplitRule.named(null));
    }
}
