package ai.laes.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet shards of a prepared dataset: one directory per {@link Split}, one row per image with
 * columns {@code index} (long), {@code label} (int) and {@code pixels} (784 bytes, original order).
 */
public final class MnistShards {
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("index", DataTypes.LongType, false),
        DataTypes.createStructField("label", DataTypes.IntegerType, false),
        DataTypes.createStructField("pixels", DataTypes.BinaryType, false),
    });

    private MnistShards() {
    }

    /** Writes {@code images} as Parquet into {@code dir} (which must not exist), one file per partition. */
    public static void write(SparkSession spark, JavaRDD<LabeledImage> images, Path dir) {
        JavaRDD<Row> rows = images.map(im -> RowFactory.create(im.index(), im.label(), im.pixels()));
        spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.ErrorIfExists).parquet(dir.toString());
    }

    /** The shard directory of {@code split} inside {@code prepared}. */
    public static Path splitDir(Path prepared, Split split) {
        return new Path(prepared, split.dir());
    }

    /** Reads one split, checking that it exists and has the expected columns and pixel count. */
    public static JavaRDD<LabeledImage> read(SparkSession spark, Path prepared, Split split) {
        return read(spark, prepared, split, null);
    }

    /**
     * {@link #read}, each image in the order of {@code view} ({@link SequenceView#apply}; null: as stored) in the same
     * map, so the lineage has the RDDs it always had: Spark draws the samples behind a sort's partition bounds from
     * the RDD's id, so one more RDD before a {@code --limit}'s sort moves which rows share a partition, hence an
     * evaluation's minibatches and its float rounding.
     */
    public static JavaRDD<LabeledImage> read(SparkSession spark, Path prepared, Split split, SequenceView view) {
        Path dir = splitDir(prepared, split);
        if (!FileSystems.exists(dir, spark.sparkContext().hadoopConfiguration())) {
            throw new InputException(dir + ": no " + split.dir() + " shards (is " + prepared + " a prepared dataset?)");
        }
        Dataset<Row> frame;
        try {
            frame = spark.read().parquet(dir.toString());
        } catch (Exception e) {
            throw new InputException(dir + ": not readable as Parquet shards (" + firstLine(e) + ")", e);
        }
        checkSchema(dir, frame.schema());
        String name = dir.toString();
        return frame.select("index", "label", "pixels").javaRDD()
                .map(row -> view == null ? toImage(name, row) : view.apply(toImage(name, row)));
    }

    static void checkSchema(Path dir, StructType actual) {
        List<String> problems = new ArrayList<>();
        for (StructField expected : SCHEMA.fields()) {
            int at = Arrays.asList(actual.fieldNames()).indexOf(expected.name());
            if (at < 0) {
                problems.add("missing column '" + expected.name() + "'");
            } else if (!actual.fields()[at].dataType().equals(expected.dataType())) {
                problems.add("column '" + expected.name() + "' is " + actual.fields()[at].dataType().simpleString()
                        + ", expected " + expected.dataType().simpleString());
            }
        }
        if (!problems.isEmpty()) {
            throw new InputException(dir + ": wrong shard schema: " + String.join("; ", problems));
        }
    }

    private static LabeledImage toImage(String dir, Row row) {
        byte[] pixels = row.getAs(2);
        if (pixels == null || pixels.length != MnistImages.PIXELS) {
            throw new InputException(dir + ": image " + row.getLong(0) + " has "
                    + (pixels == null ? 0 : pixels.length) + " pixels, expected " + MnistImages.PIXELS);
        }
        return new LabeledImage(row.getLong(0), row.getInt(1), pixels);
    }

    private static String firstLine(Exception e) {
        String m = e instanceof AnalysisException a ? a.getSimpleMessage() : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
