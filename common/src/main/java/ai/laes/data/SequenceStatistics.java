package ai.laes.data;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.spark.api.java.JavaRDD;

/**
 * What dataset.json needs from the rows, gathered by one distributed aggregate: sequences per split and label, per
 * split and length, and the distinct numbers of features per step. Its size grows with the classes and the distinct
 * lengths, never with the number of sequences.
 */
public final class SequenceStatistics implements Serializable {
    private static final long serialVersionUID = 1L;
    private final EnumMap<Split, HashMap<String, Long>> labels = new EnumMap<>(Split.class);
    private final EnumMap<Split, HashMap<Integer, Long>> lengths = new EnumMap<>(Split.class);
    private final HashSet<Integer> features = new HashSet<>();

    /** The statistics of {@code rows} (all usable). */
    public static SequenceStatistics of(JavaRDD<SourceRow> rows) {
        return rows.treeAggregate(new SequenceStatistics(), SequenceStatistics::add, SequenceStatistics::merge, 2);
    }

    private SequenceStatistics add(SourceRow row) {
        labels.computeIfAbsent(row.split(), s -> new HashMap<>()).merge(row.label(), 1L, Long::sum);
        lengths.computeIfAbsent(row.split(), s -> new HashMap<>()).merge(row.length(), 1L, Long::sum);
        features.add(row.features());
        return this;
    }

    private SequenceStatistics merge(SequenceStatistics other) {
        other.labels.forEach((s, m) -> m.forEach((l, c) -> labels.computeIfAbsent(s, x -> new HashMap<>()).merge(l, c, Long::sum)));
        other.lengths.forEach((s, m) -> m.forEach((l, c) -> lengths.computeIfAbsent(s, x -> new HashMap<>()).merge(l, c, Long::sum)));
        features.addAll(other.features);
        return this;
    }

    /** Sequences of {@code split} per label text. */
    public Map<String, Long> labels(Split split) {
        return labels.getOrDefault(split, new HashMap<>());
    }

    /** Sequences per length, over all splits. */
    public Map<Integer, Long> lengths() {
        Map<Integer, Long> all = new HashMap<>();
        lengths.values().forEach(m -> m.forEach((l, c) -> all.merge(l, c, Long::sum)));
        return all;
    }

    /** The distinct numbers of features per step. */
    public Set<Integer> features() {
        return features;
    }
}
