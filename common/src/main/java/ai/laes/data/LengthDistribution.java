package ai.laes.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The distribution of sequence lengths of a prepared dataset, as {@code lengths} in {@link DatasetInfo}: min, median
 * (the lower middle length for an even count, so always a length that occurs), max, and a histogram of at most
 * {@link #BINS} bins of equal integer width {@code ceil((max - min + 1) / BINS)}, each {@code from} .. {@code to}
 * inclusive with its count. Built from the count of sequences per length, which a distributed pass produces (one entry
 * per distinct length, never one per sequence).
 */
public final class LengthDistribution {
    /** The most bins of the histogram. */
    public static final int BINS = 20;
    private final SortedMap<Integer, Long> counts;

    /** The distribution of {@code countsPerLength} (length to number of sequences; at least one sequence). */
    public LengthDistribution(Map<Integer, Long> countsPerLength) {
        this.counts = new TreeMap<>(countsPerLength);
        this.counts.values().removeIf(c -> c == 0);
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("no sequences");
        }
    }

    public int min() {
        return counts.firstKey();
    }

    public int max() {
        return counts.lastKey();
    }

    public long count() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The length at sorted position {@code (count - 1) / 2}. */
    public int median() {
        long rank = (count() - 1) / 2;
        long seen = 0;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            seen += e.getValue();
            if (seen > rank) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** The histogram bins, each {@code from}, {@code to} (inclusive) and {@code count}. */
    public List<Map<String, Object>> histogram() {
        int width = (int) Math.ceil((max() - min() + 1) / (double) BINS);
        List<Map<String, Object>> bins = new ArrayList<>();
        for (int from = min(); from <= max(); from += width) {
            int to = Math.min(max(), from + width - 1);
            Map<String, Object> bin = new LinkedHashMap<>();
            bin.put("from", from);
            bin.put("to", to);
            bin.put("count", counts.subMap(from, to + 1).values().stream().mapToLong(Long::longValue).sum());
            bins.add(bin);
        }
        return bins;
    }

    /** The JSON object of dataset.json's {@code lengths}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("min", min());
        json.put("median", median());
        json.put("max", max());
        json.put("histogram", histogram());
        return json;
    }
}
