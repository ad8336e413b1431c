package ai.laes.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.laes.io.InputException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The user's labelled sequences in Parquet: one or more inputs (a file or a directory each, any Hadoop FileSystem),
 * their columns checked against the schemas when {@linkplain #open opened} (before any pass over the data), then read
 * on the executors into {@link SourceRow}s. Rows are numbered over the inputs in order, each input's data files in
 * path order and each file's rows in file order (Parquet's row index), from 0: a number that does not depend on how
 * Spark partitions the files, so it names the same row in every run.
 */
public final class SequenceSource {
    /** One input: the option that gave it, the location as given, and its split if it is one split's input (else null). */
    public record Input(String option, String location, Split split) {
        /** How a message names this input: the option and the location. */
        public String where() {
            return option + " " + location;
        }
    }

    private final List<Input> inputs;
    private final SourceColumns columns;
    private final SplitRule rule;
    private final int featureSize;
    private final int maxLength;
    private final List<Dataset<Row>> frames = new ArrayList<>();
    private final List<SequenceColumn> sequences = new ArrayList<>();
    private LabelKind labelKind;

    /**
     * Inputs {@code inputs} with the columns {@code columns}, split by {@code rule}; {@code featureSize} features per
     * step (0: inferred), at most {@code maxLength} steps (0: no limit).
     */
    public SequenceSource(List<Input> inputs, SourceColumns columns, SplitRule rule, int featureSize, int maxLength) {
        this.inputs = List.copyOf(inputs);
        this.columns = columns;
        this.rule = rule;
        this.featureSize = featureSize;
        this.maxLength = maxLength;
    }

    /** Reads every input's schema and checks the columns; every problem is an input error naming the input and column. */
    public void open(SparkSession spark) {
        for (Input in : inputs) {
            Dataset<Row> frame = frame(spark, in);
            SequenceColumn sequence = SequenceColumn.resolve(in.where(), frame.schema(), columns.sequence(), featureSize, maxLength);
            LabelKind kind = columns.labelKind(in.where(), frame.schema());
            columns.checkOptional(in.where(), frame.schema());
            if (labelKind != null && kind != labelKind) {
                throw new InputException(in.where() + ": column '" + columns.label() + "' (--label-col) is "
                        + kind.id() + ", but " + labelKind.id() + " in " + inputs.get(0).where());
            }
            labelKind = kind;
            frames.add(frame);
            sequences.add(sequence);
        }
    }

    private static Dataset<Row> frame(SparkSession spark, Input in) {
        try {
            return spark.read().parquet(in.location());
        } catch (Exception e) {
            throw new InputException(in.where() + ": not readable as Parquet (" + reason(e) + ")", e);
        }
    }

    /** The first line of what went wrong: the innermost cause's message (Spark wraps a task's failure several times). */
    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root instanceof AnalysisException a ? a.getSimpleMessage() : String.valueOf(root.getMessage());
        return m.split("\n")[0];
    }

    /** The label column's kind (after {@link #open}). */
    public LabelKind labelKind() {
        return labelKind;
    }

    public List<Input> inputs() {
        return inputs;
    }

    /** The rows of all inputs, read on the executors (after {@link #open}); one pass over the files' row counts first. */
    public JavaRDD<SourceRow> rows() {
        JavaRDD<SourceRow> all = null;
        long first = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Long> starts = new HashMap<>();
            first = firstRows(frames.get(i), first, starts);
            RowReader reader = new RowReader(i, sequences.get(i), columns, rule, inputs.get(i).split(), starts);
            JavaRDD<SourceRow> rows = selected(frames.get(i), sequences.get(i)).javaRDD().map(reader);
            all = all == null ? rows : all.union(rows);
        }
        return all;
    }

    /** Fills {@code starts} with the row number of each data file's first row, from {@code first}; returns the next number. */
    private static long firstRows(Dataset<Row> frame, long first, Map<String, Long> starts) {
        TreeMap<String, Long> perFile = new TreeMap<>();
        for (Row r : frame.select(functions.col("_metadata.file_path").as("file")).groupBy("file").count().collectAsList()) {
            perFile.put(r.getString(0), r.getLong(1));
        }
        long next = first;
        for (Map.Entry<String, Long> e : perFile.entrySet()) {
            starts.put(e.getKey(), next);
            next += e.getValue();
        }
        return next;
    }

    private Dataset<Row> selected(Dataset<Row> frame, SequenceColumn sequence) {
        Column none = functions.lit(null).cast(DataTypes.StringType);
        return frame.select(sequence.select(), Columns.col(columns.label()).cast(DataTypes.StringType),
                functions.col("_metadata.file_path"), functions.col("_metadata.row_index"),
                columns.id() == null ? none : Columns.col(columns.id()).cast(DataTypes.StringType),
                columns.split() == null ? none : Columns.col(columns.split()));
    }

    /** How a message names {@code row}: its input, and its id (or its row number if it has none). */
    public String describe(SourceRow row) {
        return inputs.get(row.input).where() + ": " + name(row);
    }

    /** How a message names {@code row} within its input: "row ID", or "row number N (no id)" if its id is null. */
    public static String name(SourceRow row) {
        return row.id == null ? "row number " + row.position + " (no id)" : "row " + row.id;
    }
}
