package ai.laes.data;

import java.io.Serializable;
import java.util.Comparator;

/**
 * One row of the user's input on its way to a shard: where it is (which input, its row number), its id, split and
 * label text, and its sequence, or the problem that makes it unusable. Row numbers count over the inputs in order,
 * their data files in path order and the rows of each file in file order, from 0; they name the rows when there is
 * no id column, and order the rows when the first bad one is looked for.
 */
public final class SourceRow implements Serializable {
    private static final long serialVersionUID = 1L;
    /** By row number: the first row of the inputs first. */
    public static final Comparator<SourceRow> BY_POSITION = new ByPosition();

    final int input;
    final long position;
    final String id;
    Split split;
    String label;
    SequenceColumn.Value sequence;
    String problem;

    SourceRow(int input, long position, String id) {
        this.input = input;
        this.position = position;
        this.id = id;
    }

    /** This row, marked unusable for {@code why}. */
    SourceRow bad(String why) {
        this.problem = why;
        return this;
    }

    public boolean ok() {
        return problem == null;
    }

    public String id() {
        return id;
    }

    public Split split() {
        return split;
    }

    public String label() {
        return label;
    }

    public int length() {
        return sequence.length();
    }

    public int features() {
        return sequence.features();
    }

    public double[] values() {
        return sequence.values();
    }

    /** What is wrong with the row, or null. */
    public String problem() {
        return problem;
    }

    /** The row as a shard row of class {@code classIndex}. */
    public LabeledSequence toSequence(int classIndex) {
        return new LabeledSequence(id, classIndex, sequence.length(), sequence.values());
    }

    private static final class ByPosition implements Comparator<SourceRow>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(SourceRow a, SourceRow b) {
            return Long.compare(a.position, b.position);
        }
    }
}
