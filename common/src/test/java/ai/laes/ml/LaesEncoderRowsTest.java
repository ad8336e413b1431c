package ai.laes.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.laes.laes.Laes;
import ai.laes.laes.LaesModel;
import ai.laes.laes.SyntheticSequences;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.Stages;
import org.apache.spark.SparkException;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The estimator and its model on rows: a schema problem stops fit and transform before any Spark job, a bad row stops
 * the fit with one message naming it, and center = false fits the LAES of the raw inputs. Synthetic sequences of
 * k = 2 features, 3 to 8 steps, in two partitions.
 */
class LaesEncoderRowsTest extends SparkTestBase {
    private static final int K = 2;
    private static final int ROWS = 30;
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType)
            .add("sequence", LaesEncoderParamsTest.NESTED);

    private static List<double[]> sequences() {
        return new SyntheticSequences(11, K).generate(ROWS, 3, 8);
    }

    /** The sequences as rows (id, steps x features), row {@code bad} replaced by {@code replacement} if it is >= 0. */
    private static Dataset<Row> frame(List<double[]> sequences, int bad, Object replacement) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            double[] s = sequences.get(i);
            List<List<Double>> steps = new ArrayList<>();
            for (int t = 0; t < s.length / K; t++) {
                steps.add(Arrays.stream(s, t * K, (t + 1) * K).boxed().toList());
            }
            rows.add(RowFactory.create((long) i, i == bad ? replacement : steps));
        }
        return spark.createDataFrame(rows, SCHEMA); // two partitions of 15 rows (local[2])
    }

    /** The message of the IllegalArgumentException {@code action} throws, which must come before any job. */
    private static String refusedBeforeAnyJob(Executable action) {
        jsc.setJobGroup("refused", "schema check", false);
        try {
            String message = assertThrows(IllegalArgumentException.class, action).getMessage();
            assertEquals(0, jsc.statusTracker().getJobIdsForGroup("refused").length, "jobs ran before: " + message);
            return message;
        } finally {
            jsc.clearJobGroup();
        }
    }

    @Test
    void schemaProblemsStopFitAndTransformBeforeAnyJob() {
        Dataset<Row> good = frame(sequences(), -1, null);
        LaesEncoder encoder = new LaesEncoder().setInputCol("sequence").setOutputCol("state").setMemorySize(4);
        String uid = encoder.uid();
        Dataset<Row> text = good.withColumn("sequence", good.col("id").cast("string"));
        assertEquals(uid + ": column 'sequence' (inputCol) is string, expected array<array<double>>, array<double>"
                + " (or float) or vector", refusedBeforeAnyJob(() -> encoder.fit(text)));
        assertEquals(uid + ": output column 'id' (outputCol) already exists; its columns: id, sequence",
                refusedBeforeAnyJob(() -> encoder.copy(new ParamMap()).setOutputCol("id").fit(good)));

        LaesEncoderModel model = encoder.fit(good);
        assertEquals(uid + ": output column 'state' (outputCol) already exists; its columns: id, sequence, state",
                refusedBeforeAnyJob(() -> model.transform(model.transform(good))));
        assertEquals(uid + ": no column 'sequence' (inputCol), expected a sequence column of type array<array<double>>,"
                + " array<double> (or float) or vector; its columns: id",
                refusedBeforeAnyJob(() -> model.transform(good.drop("sequence"))));
        Dataset<Row> vectors = spark.createDataFrame(List.of(RowFactory.create(0L, Vectors.dense(1, 2, 3, 4, 5, 6))), new StructType().add("id", DataTypes.LongType).add("sequence", new VectorUDT()));
        assertEquals(uid + ": featureSize is 3, but the model was fitted on 2 features per step",
                refusedBeforeAnyJob(() -> model.copy(new ParamMap()).setFeatureSize(3)
                        .transform(vectors)));
        assertEquals(3, model.copy(new ParamMap()).setFeatureSize(K).transform(vectors)
                .first().size(), "a vector column with featureSize = k transforms");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "null | column 'sequence' is null",
            "empty | column 'sequence' is an empty sequence",
            "ragged | column 'sequence' has 1 features at step 2 but 2 at step 1 (ragged steps)",
            "NaN | column 'sequence' has the non-finite value NaN at step 2, feature 1",
            "null step | column 'sequence' has a null step 2",
            "3 features | column 'sequence' has 3 features per step, expected 2 (as the first row: featureSize is 0)",
            "too long | column 'sequence' has 9 steps, more than maxLength 8"})
    void aBadRowStopsTheFitWithOneMessageNamingIt(String problem, String message) {
        List<Double> two = List.of(0.5, 0.25);
        Object replacement = switch (problem) {
            case "null" -> null;
            case "empty" -> List.of();
            case "ragged" -> List.of(two, List.of(0.5));
            case "NaN" -> List.of(two, Arrays.asList(1.0, Double.NaN));
            case "null step" -> Arrays.asList(two, null);
            case "3 features" -> List.of(List.of(1.0, 2.0, 3.0));
            default -> java.util.Collections.nCopies(9, two);
        };
        int bad = 17;
        LaesEncoder encoder = new LaesEncoder().setInputCol("sequence").setMemorySize(4).setMaxLength(8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.fit(frame(sequences(), bad, replacement)));
        assertEquals(2, frame(sequences(), -1, null).javaRDD().getNumPartitions(), "row 17 is in the second partition");
        assertEquals(encoder.uid() + ": row " + bad + ": " + message, e.getMessage());
    }

    @Test
    void withoutCentringTheLaesIsThatOfTheRawInputs() {
        List<double[]> sequences = sequences();
        LaesEncoderModel model = new LaesEncoder().setInputCol("sequence").setMemorySize(4).setCenter(false)
                .fit(frame(sequences, -1, null));
        LaesModel reference = Laes.fit(jsc.parallelize(sequences, 2), K, 4, false, new Stages());
        assertArrayEquals(new double[K], model.getMean().toArray(), "mu = 0");
        assertArrayEquals(reference.aRowMajor(), model.getA().transpose().toArray(), 1e-12, "A");
        assertArrayEquals(reference.bRowMajor(), model.getB().transpose().toArray(), 1e-12, "B");
        LaesModel centred = Laes.fit(jsc.parallelize(sequences, 2), K, 4);
        double differs = 0;
        for (int i = 0; i < centred.aRowMajor().length; i++) {
            differs = Math.max(differs, Math.abs(centred.aRowMajor()[i] - reference.aRowMajor()[i]));
        }
        assertTrue(differs > 1e-3, "centring changes A on data with a mean (" + differs + ")");
    }

    @Test
    void floatArraysAreWidenedExactly() {
        Dataset<Row> doubles = frame(sequences(), -1, null);
        Dataset<Row> floats = doubles.withColumn("sequence", doubles.col("sequence").cast("array<array<float>>"));
        Dataset<Row> widened = floats.withColumn("sequence", floats.col("sequence").cast("array<array<double>>"));
        LaesEncoder encoder = new LaesEncoder().setInputCol("sequence").setOutputCol("state").setMemorySize(4);
        LaesEncoderModel fromFloats = encoder.fit(floats);
        assertArrayEquals(encoder.fit(widened).getB().toArray(), fromFloats.getB().toArray(), 0.0);
        List<Row> states = fromFloats.transform(floats).select("state").collectAsList();
        List<Row> widenedStates = fromFloats.transform(widened).select("state").collectAsList();
        assertEquals(widenedStates, states);
    }

    @Test
    void aBadRowAtTransformNamesItsPartitionAndPosition() {
        LaesEncoderModel model = new LaesEncoder().setInputCol("sequence").setMemorySize(4)
                .fit(frame(sequences(), -1, null));
        Dataset<Row> bad = frame(sequences(), 20, null);
        SparkException e = assertThrows(SparkException.class, () -> model.transform(bad).collectAsList());
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertEquals(model.uid() + ": row 5 of partition 1: column 'sequence' is null", cause.getMessage());
    }
}
