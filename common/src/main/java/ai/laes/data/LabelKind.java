package ai.laes.data;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The type of a label column, which decides the order of the classes: integers in numeric order, strings in
 * lexicographic order (of their UTF-16 code units, {@link String#compareTo}). Labels travel as their text (an integer
 * in decimal), which is also the class's name in dataset.json.
 */
public enum LabelKind {
    INTEGER(Comparator.comparingLong(Long::parseLong)),
    STRING(Comparator.naturalOrder());

    private final Comparator<String> order;

    LabelKind(Comparator<String> order) {
        this.order = order;
    }

    /** {@code labels} (distinct) in class-index order. */
    public List<String> sorted(java.util.Collection<String> labels) {
        return labels.stream().sorted(order).toList();
    }

    /** The lower-case name written in dataset.json. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
