package ai.laes.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.laes.data.MnistImages;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Small Parquet tables of labelled sequences made from real MNIST images, in the shapes prepare --format parquet
 * reads: images row by row (array of array of float), cropped images of varying length (array of double), and
 * flattened images (Spark ML vectors). Each row's expected values are kept beside it, as doubles.
 */
final class SequenceTables {
    static final String[] DIGITS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    static final DataType NESTED_FLOAT = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType));
    static final DataType FLAT_DOUBLE = DataTypes.createArrayType(DataTypes.DoubleType);
    private static MnistImages train;

    private SequenceTables() {
    }

    /** The first {@code n} official training images. */
    static synchronized MnistImages images() {
        if (train == null) {
            train = MnistImages.read(new org.apache.hadoop.fs.Path(TestData.mnistDir().toUri()), "train", new Configuration());
        }
        return train;
    }

    /** Pixel {@code p} of image {@code i} in [0, 1] as a float. */
    static float pixel(int i, int p) {
        return (images().pixels(i)[p] & 0xFF) / 255f;
    }

    /** Image {@code i} row by row: 28 steps of 28 floats. */
    static List<List<Float>> rows(int i) {
        List<List<Float>> steps = new ArrayList<>();
        for (int y = 0; y < MnistImages.SIDE; y++) {
            List<Float> step = new ArrayList<>();
            for (int x = 0; x < MnistImages.SIDE; x++) {
                step.add(pixel(i, y * MnistImages.SIDE + x));
            }
            steps.add(step);
        }
        return steps;
    }

    /** Image {@code i} as 784 widened floats, row-major: the values its shards must hold. */
    static double[] widened(int i) {
        double[] v = new double[MnistImages.PIXELS];
        for (int p = 0; p < v.length; p++) {
            v[p] = pixel(i, p);
        }
        return v;
    }

    /** The length of cropped image {@code i}: 20 .. 400. */
    static int cropLength(int i) {
        return 20 + (i * 37) % 381;
    }

    /** The last {@link #cropLength} pixels of image {@code i}, as doubles (i/255). */
    static List<Double> cropped(int i) {
        List<Double> v = new ArrayList<>();
        for (int p = MnistImages.PIXELS - cropLength(i); p < MnistImages.PIXELS; p++) {
            v.add((images().pixels(i)[p] & 0xFF) / 255.0);
        }
        return v;
    }

    /** The flattened image {@code i} as a Spark ML dense vector of doubles (i/255). */
    static Object vector(int i) {
        double[] v = new double[MnistImages.PIXELS];
        for (int p = 0; p < v.length; p++) {
            v[p] = (images().pixels(i)[p] & 0xFF) / 255.0;
        }
        return Vectors.dense(v);
    }

    static StructType schema(Object... namesAndTypes) {
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            fields.add(DataTypes.createStructField((String) namesAndTypes[i], (DataType) namesAndTypes[i + 1], true));
        }
        return DataTypes.createStructType(fields);
    }

    static DataType vectorType() {
        return new VectorUDT();
    }

    /** Writes {@code rows} as Parquet to {@code dir} in {@code files} files, the rows in list order across the files' names. */
    static Path write(SparkSession spark, Path dir, StructType schema, List<Row> rows, int files) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.createDataFrame(sc.parallelize(rows, files), schema).write().parquet(dir.toString());
        return dir;
    }

    /** A Row of {@code values}, Java lists turned into the Scala sequences Spark's encoder takes. */
    static Row row(Object... values) {
        Object[] scala = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            scala[i] = scala(values[i]);
        }
        return RowFactory.create(scala);
    }

    private static Object scala(Object value) {
        if (value instanceof List<?> list) {
            return scala.collection.JavaConverters.asScalaBuffer(list.stream().map(SequenceTables::scala).toList()).toSeq();
        }
        return value;
    }
}
