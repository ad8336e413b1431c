package ai.laes.ml;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

import ai.laes.data.SequenceColumn;
import ai.laes.io.InputException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The sequence column of a {@link LaesEncoderParams} stage: its schema checked before any work (the input column's
 * presence and type, the feature size a flat layout needs, the output column's absence), and its rows read into
 * step-major sequences (element t*k+f = feature f of step t+1) with the checks of {@link SequenceColumn#read}. A bad
 * row stops the job with one {@link InputException} naming it: by its index in the data set's order when the driver
 * can count it ({@link Rows#rethrowingBadRows}), else by its partition and position there. That order is the order in
 * which Spark reads the rows: stable for files and local collections, not after a shuffle (a repartition), whose
 * reduce side may read its blocks in another order each time.
 */
final class SequenceInput {
    /** How messages name the settings: the stages' params. */
    static final SequenceColumn.Names NAMES = new SequenceColumn.Names("inputCol", "featureSize", "maxLength");

    private SequenceInput() {
    }

    /** The input column of {@code stage} in {@code schema}, checked; an InputException (an IllegalArgumentException) if unusable. */
    static SequenceColumn resolve(LaesEncoderParams stage, StructType schema) {
        if (!stage.isDefined(stage.inputCol())) {
            throw new InputException(stage.uid() + ": inputCol is not set; set it to the sequence column, of type "
                    + SequenceColumn.ACCEPTED);
        }
        if (!Arrays.asList(schema.fieldNames()).contains(stage.getInputCol())) {
            throw new InputException(stage.uid() + ": no column '" + stage.getInputCol() + "' (inputCol), expected a"
                    + " sequence column of type " + SequenceColumn.ACCEPTED + "; its columns: "
                    + String.join(", ", schema.fieldNames()));
        }
        SequenceColumn column = SequenceColumn.resolve(stage.uid(), schema, stage.getInputCol(), stage.getFeatureSize(),
                stage.getMaxLength(), NAMES);
        if (column.encoding() != SequenceColumn.Encoding.NESTED && stage.getFeatureSize() == 0) {
            throw new InputException(stage.uid() + ": column '" + column.name() + "' (inputCol) is "
                    + schema.apply(column.name()).dataType().simpleString() + ", a flat layout: set featureSize to its"
                    + " features per step (1 for one value per step); only array<array<double>> infers it");
        }
        return column;
    }

    /** {@code schema} and the output column, a vector of size {@code p}; refuses an unusable input or an existing output. */
    static StructType withOutput(LaesEncoderParams stage, StructType schema, int p) {
        resolve(stage, schema);
        String out = stage.getOutputCol();
        if (Arrays.asList(schema.fieldNames()).contains(out)) {
            throw new InputException(stage.uid() + ": output column '" + out + "' (outputCol) already exists; its"
                    + " columns: " + String.join(", ", schema.fieldNames()));
        }
        return schema.add(new AttributeGroup(out, p).toStructField());
    }

    /**
     * Row {@code position} of partition {@code partition}: its sequence, or a {@link BadRow}. {@code features} &gt; 0
     * is the features per step every row must have ({@code why} says where that number comes from), 0 if the column
     * already checks it.
     */
    static double[] read(String where, SequenceColumn column, Object value, int features, String why, int partition,
            long position) {
        SequenceColumn.Value v = column.read(value);
        String problem = v.problem();
        if (problem == null && features > 0 && v.features() != features) {
            problem = "column '" + column.name() + "' has " + v.features() + " features per step, expected " + features
                    + " (" + why + ")";
        }
        if (problem != null) {
            throw new BadRow(where, partition, position, problem);
        }
        return v.values();
    }

    /** The sequences of one partition's selected rows (the column alone), lazily. */
    private static Iterator<double[]> readAll(String where, SequenceColumn column, Iterator<Row> rows, int features,
            String why, int partition) {
        return new Iterator<>() {
            private long position;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public double[] next() {
                return read(where, column, rows.next().get(0), features, why, partition, position++);
            }
        };
    }

    /** The rows of one data set's sequence column, read on the executors. */
    static final class Rows {
        private final String where;
        private final SequenceColumn column;
        private final Dataset<Row> selected;

        Rows(String where, Dataset<?> data, SequenceColumn column) {
            this.where = where;
            this.column = column;
            this.selected = data.select(column.select());
        }

        /** The features per step of the first row (one small job); refuses an empty data set or a bad first row. */
        int firstRowFeatures() {
            List<Row> first = selected.limit(1).collectAsList();
            if (first.isEmpty()) {
                throw new InputException(where + ": the data set is empty");
            }
            SequenceColumn.Value v = column.read(first.get(0).get(0));
            if (v.problem() != null) {
                throw new InputException(where + ": row 0: " + v.problem());
            }
            return v.features();
        }

        /** The sequences, lazily, in the data set's order; see {@link SequenceInput#read} for the two arguments. */
        JavaRDD<double[]> sequences(int features, String why) {
            SequenceColumn c = column;
            String w = where;
            return selected.javaRDD().mapPartitionsWithIndex(
                    (partition, rows) -> readAll(w, c, rows, features, why, partition), true);
        }

        /**
         * Runs {@code job} over {@link #sequences}; a {@link BadRow} it meets, wrapped by Spark or not, becomes one
         * InputException naming the row by its index in the data set's order (found by counting the partitions
         * before it: a second job, on this path only).
         */
        <T> T rethrowingBadRows(Supplier<T> job) {
            try {
                return job.get();
            } catch (Exception e) { // SparkException is checked, but Scala throws it through Supplier.get
                for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                    if (t instanceof BadRow bad) {
                        throw new InputException(where + ": row " + index(bad) + ": " + bad.problem, e);
                    }
                }
                throw e;
            }
        }

        private long index(BadRow bad) {
            int before = bad.partition;
            List<Long> sizes = selected.javaRDD().mapPartitionsWithIndex((partition, rows) -> {
                long n = 0;
                for (; partition < before && rows.hasNext(); rows.next()) {
                    n++;
                }
                return List.of(n).iterator();
            }, true).collect();
            return bad.position + sizes.stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A row whose sequence cannot be used: where it is, and why. */
    static final class BadRow extends InputException {
        private static final long serialVersionUID = 1L;
        final int partition;
        final long position;
        final String problem;

        BadRow(String where, int partition, long position, String problem) {
            super(where + ": row " + position + " of partition " + partition + ": " + problem);
            this.partition = partition;
            this.position = position;
            this.problem = problem;
        }
    }
}
