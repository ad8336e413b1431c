package ai.laes.data;

import java.util.List;

import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The general Parquet shards of a prepared dataset ({@link ShardLayout#SEQUENCES}): one directory per {@link Split},
 * one row per {@link LabeledSequence} with columns {@code id} (string), {@code label} (int, the class index),
 * {@code length} (int, steps) and {@code values} (array of double, {@code length * k} elements, step-major). The
 * features per step {@code k} are the dataset's, in {@link DatasetInfo}.
 */
public final class SequenceShards {
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("label", DataTypes.IntegerType, false),
        DataTypes.createStructField("length", DataTypes.IntegerType, false),
        DataTypes.createStructField("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false),
    });

    private SequenceShards() {
    }

    /** Writes {@code sequences} as Parquet into {@code dir} (which must not exist), in {@code shards} files. */
    public static void write(SparkSession spark, JavaRDD<LabeledSequence> sequences, Path dir, int shards) {
        JavaRDD<Row> rows = sequences.repartition(shards)
                .map(s -> RowFactory.create(s.id(), s.label(), s.length(), s.values()));
        spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.ErrorIfExists).parquet(dir.toString());
    }

    /**
     * Reads one split of the prepared dataset at {@code prepared}, whose sequences have {@code k} features per step,
     * checking that it exists, its schema, and each row's number of values.
     */
    public static JavaRDD<LabeledSequence> read(SparkSession spark, Path prepared, Split split, int k) {
        Path dir = MnistShards.splitDir(prepared, split);
        if (!FileSystems.exists(dir, spark.sparkContext().hadoopConfiguration())) {
            throw new InputException(dir + ": no " + split.dir() + " shards (is " + prepared + " a prepared dataset?)");
        }
        Dataset<Row> frame = spark.read().parquet(dir.toString());
        checkSchema(dir, frame.schema());
        String name = dir.toString();
        return frame.select("id", "label", "length", "values").javaRDD().map(row -> toSequence(name, row, k));
    }

    private static void checkSchema(Path dir, StructType actual) {
        for (StructField expected : SCHEMA.fields()) {
            if (!List.of(actual.fieldNames()).contains(expected.name())) {
                throw new InputException(dir + ": wrong shard schema: missing column '" + expected.name() + "'");
            }
            if (!actual.apply(expected.name()).dataType().sameType(expected.dataType())) {
                throw new InputException(dir + ": wrong shard schema: column '" + expected.name() + "' is "
                        + actual.apply(expected.name()).dataType().simpleString() + ", expected "
                        + expected.dataType().simpleString());
            }
        }
    }

    private static LabeledSequence toSequence(String dir, Row row, int k) {
        List<Double> boxed = row.getList(3);
        int length = row.getInt(2);
        if (boxed.size() != (long) length * k) {
            throw new InputException(dir + ": sequence " + row.getString(0) + " has " + boxed.size() + " values, expected "
                    + length + " steps x " + k + " features");
        }
        double[] values = new double[boxed.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = boxed.get(i);
        }
        return new LabeledSequence(row.getString(0), row.getInt(1), length, values);
    }
}
