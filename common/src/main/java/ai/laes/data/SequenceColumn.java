package ai.laes.data;

import java.io.Serializable;
import java.util.List;

import ai.laes.io.InputException;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The user's sequence column, its type resolved from the schema before any pass over the data, and the reading of
 * one row's value into step-major doubles (floats widened exactly) with the checks that need only that row: not null,
 * not empty, no null, NaN or infinite value, every step with the same number of features, the flattened size a
 * multiple of the feature size, at most {@code maxLength} steps.
 */
public final class SequenceColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The supported column types. */
    public enum Encoding {
        /** {@code array<array<double|float>>}: steps x features. */
        NESTED,
        /** {@code array<double|float>}: one feature per step, or {@code --feature-size} features flattened step-major. */
        FLAT,
        /** Spark ML's {@code vector}, flattened step-major like {@link #FLAT}. */
        VECTOR
    }

    /** One row's sequence: its values, steps and features per step, or the problem that makes it unusable. */
    public record Value(double[] values, int length, int features, String problem) implements Serializable {
        static Value bad(String problem) {
            return new Value(null, 0, 0, problem);
        }
    }

    /**
     * How messages name the three settings: the column's, the feature size's and the maximum length's (the prepare
     * job's options, or a Spark ML stage's params).
     */
    public record Names(String column, String featureSize, String maxLength) implements Serializable {
        /** The prepare job's options. */
        public static final Names OPTIONS = new Names("--sequence-col", "--feature-size", "--max-length");
    }

    /** The types a sequence column may have, as messages list them. */
    public static final String ACCEPTED = "array<array<double>>, array<double> (or float) or vector";

    private final String name;
    private final Encoding encoding;
    private final int featureSize;
    private final int maxLength;
    private final Names names;

    private SequenceColumn(String name, Encoding encoding, int featureSize, int maxLength, Names names) {
        this.name = name;
        this.encoding = encoding;
        this.featureSize = featureSize;
        this.maxLength = maxLength;
        this.names = names;
    }

    /**
     * Column {@code name} of {@code schema} (of the input {@code where}), with {@code featureSize} features per step
     * (0: the inner arrays' size, or 1 for a flat column) and at most {@code maxLength} steps (0: no limit).
     */
    public static SequenceColumn resolve(String where, StructType schema, String name, int featureSize, int maxLength) {
        return resolve(where, schema, name, featureSize, maxLength, Names.OPTIONS);
    }

    /** As {@link #resolve(String, StructType, String, int, int)}, the settings named in messages by {@code names}. */
    public static SequenceColumn resolve(String where, StructType schema, String name, int featureSize, int maxLength,
            Names names) {
        DataType type = Columns.field(where, schema, name, names.column()).dataType();
        return new SequenceColumn(name, encoding(where, name, type, names), featureSize, maxLength, names);
    }

    private static Encoding encoding(String where, String name, DataType type, Names names) {
        if (type instanceof VectorUDT) {
            return Encoding.VECTOR;
        }
        if (type instanceof ArrayType outer) {
            if (real(outer.elementType())) {
                return Encoding.FLAT;
            }
            if (outer.elementType() instanceof ArrayType inner && real(inner.elementType())) {
                return Encoding.NESTED;
            }
        }
        throw new InputException(where + ": column '" + name + "' (" + names.column() + ") is " + type.simpleString()
                + ", expected " + ACCEPTED);
    }

    private static boolean real(DataType t) {
        return t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType);
    }

    public String name() {
        return name;
    }

    public Encoding encoding() {
        return encoding;
    }

    /** The column as selected for reading: arrays cast to double (exact for floats), vectors as they are. */
    public Column select() {
        Column c = Columns.col(name);
        return switch (encoding) {
            case NESTED -> c.cast("array<array<double>>");
            case FLAT -> c.cast("array<double>");
            case VECTOR -> c;
        };
    }

    /** Reads one row's selected value. */
    public Value read(Object value) {
        if (value == null) {
            return Value.bad("column '" + name + "' is null");
        }
        Value v = encoding == Encoding.NESTED ? nested(Columns.list(value)) : flat(flatValues(value));
        if (v.problem() == null && maxLength > 0 && v.length() > maxLength) {
            return Value.bad("column '" + name + "' has " + v.length() + " steps, more than " + names.maxLength() + " " + maxLength);
        }
        return v;
    }

    private Object flatValues(Object value) {
        return encoding == Encoding.VECTOR ? ((Vector) value).toArray() : Columns.list(value);
    }

    private Value nested(List<?> steps) {
        if (steps.isEmpty()) {
            return Value.bad("column '" + name + "' is an empty sequence");
        }
        int k = -1;
        double[] values = null;
        for (int t = 0; t < steps.size(); t++) {
            if (steps.get(t) == null) {
                return Value.bad("column '" + name + "' has a null step " + (t + 1));
            }
            List<?> step = Columns.list(steps.get(t));
            if (k < 0) {
                k = step.size();
                if (k == 0) {
                    return Value.bad("column '" + name + "' has no features at step 1");
                }
                if (featureSize > 0 && k != featureSize) {
                    return Value.bad("column '" + name + "' has " + k + " features per step, " + names.featureSize() + " is " + featureSize);
                }
                values = new double[steps.size() * k];
            } else if (step.size() != k) {
                return Value.bad("column '" + name + "' has " + step.size() + " features at step " + (t + 1)
                        + " but " + k + " at step 1 (ragged steps)");
            }
            for (int f = 0; f < k; f++) {
                String problem = put(values, t * k + f, step.get(f), k);
                if (problem != null) {
                    return Value.bad(problem);
                }
            }
        }
        return new Value(values, steps.size(), k, null);
    }

    private Value flat(Object raw) {
        int n = raw instanceof double[] a ? a.length : ((List<?>) raw).size();
        if (n == 0) {
            return Value.bad("column '" + name + "' is an empty sequence");
        }
        int k = Math.max(1, featureSize);
        if (n % k != 0) {
            return Value.bad("column '" + name + "' has " + n + " values, not a multiple of " + names.featureSize() + " " + k);
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            String problem = put(values, i, raw instanceof double[] a ? a[i] : ((List<?>) raw).get(i), k);
            if (problem != null) {
                return Value.bad(problem);
            }
        }
        return new Value(values, n / k, k, null);
    }

    /** Stores element {@code i}; the problem if it is null, NaN or infinite. */
    private String put(double[] values, int i, Object element, int k) {
        if (element == null) {
            return "column '" + name + "' has a null value at " + position(i, k);
        }
        double v = ((Number) element).doubleValue();
        if (!Double.isFinite(v)) {
            return "column '" + name + "' has the non-finite value " + v + " at " + position(i, k);
        }
        values[i] = v;
        return null;
    }

    /** "step t" (from 1), with ", feature f" (from 0) when there are several. */
    private static String position(int element, int k) {
        return "step " + (element / k + 1) + (k > 1 ? ", feature " + element % k : "");
    }
}
