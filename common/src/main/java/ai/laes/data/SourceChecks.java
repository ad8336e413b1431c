package ai.laes.data;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import ai.laes.io.InputException;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The checks that need more than one row, each a distributed pass that names the first offending row (the smallest
 * row number, {@link SourceRow#BY_POSITION}) in a one-line input error: any unusable row, a repeated id, steps of
 * different sizes across rows, a class of validation or test that training does not have, no training sequences.
 */
public final class SourceChecks {
    private SourceChecks() {
    }

    /** Fails on the first row with a problem found while reading it. */
    public static void noBadRow(SequenceSource source, JavaRDD<SourceRow> rows) {
        List<SourceRow> bad = rows.filter(r -> !r.ok()).takeOrdered(1, SourceRow.BY_POSITION);
        if (!bad.isEmpty()) {
            throw new InputException(source.describe(bad.get(0)) + ": " + bad.get(0).problem());
        }
    }

    /**
     * Fails on the first row (by row number) whose id an earlier row has too: ids name rows in messages and shards, so
     * they must be unique. A shuffle of (id, row number) pairs, keeping the two smallest row numbers per id.
     */
    public static void uniqueIds(SequenceSource source, String column, JavaRDD<SourceRow> rows) {
        List<Tuple2<String, long[]>> repeated = rows.mapToPair(r -> new Tuple2<>(r.id(), new long[] {r.position, Long.MAX_VALUE}))
                .reduceByKey(SourceChecks::twoSmallest)
                .filter(t -> t._2()[1] != Long.MAX_VALUE)
                .takeOrdered(1, new BySecondRow());
        if (!repeated.isEmpty()) {
            long first = repeated.get(0)._2()[0];
            long second = repeated.get(0)._2()[1];
            SourceRow row = rows.filter(r -> r.position == second).first();
            throw new InputException(source.describe(row) + ": column '" + column + "' (--id-col) repeats the id of row number "
                    + first + " (ids must be unique)");
        }
    }

    private static long[] twoSmallest(long[] a, long[] b) {
        long[] all = {a[0], a[1], b[0], b[1]};
        java.util.Arrays.sort(all);
        return new long[] {all[0], all[1]};
    }

    /** Orders repeated ids by the row number of their second row. */
    private static final class BySecondRow implements java.util.Comparator<Tuple2<String, long[]>>, java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(Tuple2<String, long[]> a, Tuple2<String, long[]> b) {
            return Long.compare(a._2()[1], b._2()[1]);
        }
    }

    /** The one number of features per step; if rows disagree, fails on the first row that differs from the first row. */
    public static int features(SequenceSource source, String column, JavaRDD<SourceRow> rows, SequenceStatistics stats) {
        if (stats.features().size() == 1) {
            return stats.features().iterator().next();
        }
        SourceRow first = rows.takeOrdered(1, SourceRow.BY_POSITION).get(0);
        int k = first.features();
        SourceRow other = rows.filter(r -> r.features() != k).takeOrdered(1, SourceRow.BY_POSITION).get(0);
        throw new InputException(source.describe(other) + ": column '" + column + "' has " + other.features()
                + " features per step, but " + SequenceSource.name(first)
                + (first.input == other.input ? "" : " of " + source.inputs().get(first.input).where()) + " has " + k);
    }

    /**
     * The class labels in index order: the training split's, sorted by {@code kind}. Fails if training is empty, or on
     * the first validation or test row whose class training does not have.
     */
    public static List<String> classes(SequenceSource source, String column, JavaRDD<SourceRow> rows, SequenceStatistics stats) {
        Set<String> training = new HashSet<>(stats.labels(Split.TRAIN).keySet());
        if (training.isEmpty()) {
            throw new InputException(source.inputs().get(0).where() + ": no training sequences");
        }
        Set<String> unseen = new HashSet<>();
        for (Split split : List.of(Split.VALIDATION, Split.TEST)) {
            stats.labels(split).keySet().stream().filter(l -> !training.contains(l)).forEach(unseen::add);
        }
        if (!unseen.isEmpty()) {
            SourceRow row = rows.filter(r -> r.split() != Split.TRAIN && unseen.contains(r.label()))
                    .takeOrdered(1, SourceRow.BY_POSITION).get(0);
            throw new InputException(source.describe(row) + ": column '" + column + "' is class '" + row.label()
                    + "', which is in " + row.split().dir() + " but not in training");
        }
        return source.labelKind().sorted(training);
    }
}
