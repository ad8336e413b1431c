package ai.laes.data;

import ai.laes.io.InputException;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The names of the user's columns (sequence, label, and the optional id and split columns, null when not given) and
 * the checks of their types against an input's schema, made before any pass over the data.
 */
public record SourceColumns(String sequence, String label, String id, String split) implements java.io.Serializable {
    /** The kind of the label column of {@code schema}: integer (byte, short, int, long) or string. */
    LabelKind labelKind(String where, StructType schema) {
        DataType t = Columns.field(where, schema, label, "--label-col").dataType();
        if (integer(t)) {
            return LabelKind.INTEGER;
        }
        if (t.equals(DataTypes.StringType)) {
            return LabelKind.STRING;
        }
        throw new InputException(where + ": column '" + label + "' (--label-col) is " + t.simpleString()
                + ", expected an integer or a string");
    }

    /** Checks the optional id (string or integer) and split (string) columns of {@code schema}. */
    void checkOptional(String where, StructType schema) {
        if (id != null) {
            DataType t = Columns.field(where, schema, id, "--id-col").dataType();
            if (!integer(t) && !t.equals(DataTypes.StringType)) {
                throw new InputException(where + ": column '" + id + "' (--id-col) is " + t.simpleString()
                        + ", expected a string or an integer");
            }
        }
        if (split != null) {
            DataType t = Columns.field(where, schema, split, "--split-col").dataType();
            if (!t.equals(DataTypes.StringType)) {
                throw new InputException(where + ": column '" + split + "' (--split-col) is " + t.simpleString()
                        + ", expected a string (train, validation or test)");
            }
        }
    }

    private static boolean integer(DataType t) {
        return t.equals(DataTypes.ByteType) || t.equals(DataTypes.ShortType) || t.equals(DataTypes.IntegerType)
                || t.equals(DataTypes.LongType);
    }
}
