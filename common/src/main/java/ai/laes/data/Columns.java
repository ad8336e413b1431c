package ai.laes.data;

import java.util.List;

import ai.laes.io.InputException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/** Small helpers for the user's columns: finding one by its exact name, selecting it, reading arrays from a Row. */
final class Columns {
    private Columns() {
    }

    /** The field {@code name} of {@code schema}, or an input error naming the input, the option and the columns there are. */
    static StructField field(String where, StructType schema, String name, String option) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new InputException(where + ": no column '" + name + "' (" + option + "); its columns: "
                + String.join(", ", schema.fieldNames()));
    }

    /** The column {@code name}, quoted so dots and spaces in it are taken literally. */
    static Column col(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }

    /** An array value of a Row (a Scala sequence, or a Java list) as a Java list. */
    static List<?> list(Object value) {
        if (value instanceof scala.collection.Seq<?> s) {
            return JavaConverters.seqAsJavaList(s);
        }
        return (List<?>) value;
    }
}
