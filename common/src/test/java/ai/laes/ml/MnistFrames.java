package ai.laes.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.laes.data.MnistImages;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Real MNIST read row by row: image i is the sequence of its last {@code rows} pixel rows, each a step of 28 features
 * (pixel / 255), as a DataFrame column in the three layouts the encoder accepts, with a double label and the image's
 * index as {@code id}. {@link #sequence} is the same sequence flattened step-major, the route the pretrain job takes.
 */
final class MnistFrames {
    static final int SIDE = MnistImages.SIDE;
    private static final StructType NESTED = schema(DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
    private static final StructType FLAT = schema(DataTypes.createArrayType(DataTypes.DoubleType));
    private static final StructType VECTOR = schema(new VectorUDT());

    private final MnistImages images;

    private MnistFrames(MnistImages images) {
        this.images = images;
    }

    /** The official training ({@code "train"}) or test ({@code "t10k"}) split. */
    static MnistFrames of(String split) {
        return new MnistFrames(MnistImages.read(new Path(TestData.mnistDir().toString()), split, new Configuration()));
    }

    /** Image {@code i}'s last {@code rows} pixel rows, flattened step-major (element t*28+f), scaled to [0, 1]. */
    double[] sequence(int i, int rows) {
        byte[] pixels = images.pixels(i);
        double[] s = new double[rows * SIDE];
        int from = (SIDE - rows) * SIDE;
        for (int j = 0; j < s.length; j++) {
            s[j] = (pixels[from + j] & 0xff) / 255.0;
        }
        return s;
    }

    int label(int i) {
        return images.label(i);
    }

    /** Images from..from+count-1, whole (28 rows), in the array&lt;array&lt;double&gt;&gt; layout. */
    Dataset<Row> nested(SparkSession spark, int from, int count) {
        return nested(spark, from, count, new int[] {SIDE});
    }

    /** As {@link #nested(SparkSession, int, int)}, image i cropped to its last {@code lengths[i % lengths.length]} rows. */
    Dataset<Row> nested(SparkSession spark, int from, int count, int[] lengths) {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            double[] s = sequence(i, lengths[i % lengths.length]);
            List<List<Double>> steps = new ArrayList<>();
            for (int t = 0; t < s.length / SIDE; t++) {
                steps.add(Arrays.stream(s, t * SIDE, (t + 1) * SIDE).boxed().toList());
            }
            rows.add(RowFactory.create(i, (double) label(i), steps));
        }
        return spark.createDataFrame(rows, NESTED);
    }

    /** Whole images in the flat array&lt;double&gt; layout (28 features per step, flattened step-major). */
    Dataset<Row> flat(SparkSession spark, int from, int count) {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            rows.add(RowFactory.create(i, (double) label(i), Arrays.stream(sequence(i, SIDE)).boxed().toList()));
        }
        return spark.createDataFrame(rows, FLAT);
    }

    /** Whole images as Spark ML vectors (flattened step-major). */
    Dataset<Row> vectors(SparkSession spark, int from, int count) {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            rows.add(RowFactory.create(i, (double) label(i), Vectors.dense(sequence(i, SIDE))));
        }
        return spark.createDataFrame(rows, VECTOR);
    }

    private static StructType schema(org.apache.spark.sql.types.DataType sequence) {
        return new StructType().add("id", DataTypes.IntegerType).add("label", DataTypes.DoubleType)
                .add("sequence", sequence);
    }
}
