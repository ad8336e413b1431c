package ai.laes.data;

import java.util.Map;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;

/**
 * Turns one selected row of an input into a {@link SourceRow} on an executor, with the checks that need only that
 * row. The selected row is: the sequence, the label as text, the data file's path, the row's index in that file,
 * the id as text (or null) and the split value (or null); see {@link SequenceSource}.
 */
final class RowReader implements Function<Row, SourceRow> {
    private static final long serialVersionUID = 1L;
    private final int input;
    private final SequenceColumn sequence;
    private final SourceColumns columns;
    private final SplitRule rule;
    private final Split fixed;
    private final Map<String, Long> firstRowOfFile;

    /**
     * A reader of input number {@code input}, whose data file {@code f} starts at row number
     * {@code firstRowOfFile.get(f)}; {@code fixed} is its split if it is one split's input, else null.
     */
    RowReader(int input, SequenceColumn sequence, SourceColumns columns, SplitRule rule, Split fixed,
            Map<String, Long> firstRowOfFile) {
        this.input = input;
        this.sequence = sequence;
        this.columns = columns;
        this.rule = rule;
        this.fixed = fixed;
        this.firstRowOfFile = firstRowOfFile;
    }

    @Override
    public SourceRow call(Row r) {
        long position = firstRowOfFile.get(r.getString(2)) + r.getLong(3);
        String id = columns.id() == null ? Long.toString(position) : r.isNullAt(4) ? null : r.getString(4);
        SourceRow row = new SourceRow(input, position, id);
        if (id == null) {
            return row.bad("column '" + columns.id() + "' (--id-col) is null");
        }
        if (r.isNullAt(1)) {
            return row.bad("column '" + columns.label() + "' (--label-col) is null");
        }
        row.label = r.getString(1);
        row.split = split(r, id);
        if (row.split == null) {
            String value = r.isNullAt(5) ? "null" : "'" + r.getString(5) + "'";
            return row.bad("column '" + columns.split() + "' (--split-col) is " + value + ", expected train, validation or test");
        }
        row.sequence = sequence.read(r.get(0));
        return row.sequence.problem() == null ? row : row.bad(row.sequence.problem());
    }

    private Split split(Row r, String id) {
        if (fixed != null) {
            return fixed;
        }
        if (rule.mode() == SplitRule.Mode.COLUMN) {
            return r.isNullAt(5) ? null : SplitRule.named(r.getString(5));
        }
        return rule.byHash(id);
    }
}
