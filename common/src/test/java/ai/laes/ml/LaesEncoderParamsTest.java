package ai.laes.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The estimator's params (as Spark's stages have them) and its schema checks, which need no Spark session. */
class LaesEncoderParamsTest {
    static final List<String> PARAMS = List.of("center", "featureSize", "inputCol", "maxLength", "memorySize", "outputCol");
    static final DataType NESTED = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType));

    static StructType schema(DataType sequence) {
        return new StructType().add("id", DataTypes.LongType).add("sequence", sequence);
    }

    @Test
    void paramsHaveTheirDefaultsAndDocumentation() {
        LaesEncoder encoder = new LaesEncoder();
        assertTrue(encoder.uid().startsWith("laesEncoder_"), encoder.uid());
        assertEquals(PARAMS, Arrays.stream(encoder.params()).map(Param::name).sorted().toList());
        assertEquals(128, encoder.getMemorySize());
        assertTrue(encoder.getCenter());
        assertEquals(0, encoder.getFeatureSize());
        assertEquals(0, encoder.getMaxLength());
        assertEquals(encoder.uid() + "__output", encoder.getOutputCol());
        assertFalse(encoder.isDefined(encoder.inputCol()), "inputCol has no default");
        String explained = encoder.explainParams();
        for (String name : PARAMS) {
            assertTrue(explained.contains(name + ": "), name + " in\n" + explained);
        }
        assertTrue(explained.contains("memorySize: memory size p"), explained);
        assertThrows(IllegalArgumentException.class, () -> encoder.setMemorySize(0), "memorySize > 0");
        assertThrows(IllegalArgumentException.class, () -> encoder.setFeatureSize(-1), "featureSize >= 0");
        assertThrows(IllegalArgumentException.class, () -> encoder.setMaxLength(-1), "maxLength >= 0");
    }

    @Test
    void copyKeepsTheValuesAndTakesTheExtraOnes() {
        LaesEncoder encoder = new LaesEncoder().setInputCol("sequence").setOutputCol("state").setMemorySize(7)
                .setCenter(false).setFeatureSize(3).setMaxLength(50);
        LaesEncoder copy = encoder.copy(ParamMap.empty());
        assertNotSame(encoder, copy);
        assertEquals(encoder.uid(), copy.uid());
        assertEquals("sequence", copy.getInputCol());
        assertEquals("state", copy.getOutputCol());
        assertEquals(7, copy.getMemorySize());
        assertFalse(copy.getCenter());
        assertEquals(3, copy.getFeatureSize());
        assertEquals(50, copy.getMaxLength());
        LaesEncoder changed = encoder.copy(new ParamMap().put(encoder.memorySize(), 9));
        assertEquals(9, changed.getMemorySize());
        assertEquals(7, encoder.getMemorySize(), "the original is unchanged");
        assertEquals(copy.params()[0].parent(), copy.uid(), "the copy's params belong to it");
    }

    @Test
    void theSchemaGainsAVectorOfTheMemorySize() {
        LaesEncoder encoder = new LaesEncoder().setInputCol("sequence").setOutputCol("state").setMemorySize(5);
        for (DataType accepted : List.of(NESTED, DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))) {
            StructType out = encoder.transformSchema(schema(accepted));
            assertEquals(List.of("id", "sequence", "state"), List.of(out.fieldNames()));
            assertTrue(out.apply("state").dataType() instanceof VectorUDT);
            assertEquals(5, AttributeGroup.fromStructField(out.apply("state")).size());
        }
        encoder.setFeatureSize(1);
        for (DataType flat : List.of(DataTypes.createArrayType(DataTypes.DoubleType), new VectorUDT())) {
            assertEquals(3, encoder.transformSchema(schema(flat)).size());
        }
    }

    @Test
    void aWrongTypeAMissingColumnAndAnExistingOutputAreRefusedWithOneMessage() {
        LaesEncoder encoder = new LaesEncoder().setInputCol("sequence").setOutputCol("state");
        String uid = encoder.uid();
        String accepted = "array<array<double>>, array<double> (or float) or vector";
        assertEquals(uid + ": column 'sequence' (inputCol) is string, expected " + accepted,
                refused(encoder, schema(DataTypes.StringType)));
        assertEquals(uid + ": column 'sequence' (inputCol) is array<string>, expected " + accepted,
                refused(encoder, schema(DataTypes.createArrayType(DataTypes.StringType))));
        assertEquals(uid + ": column 'sequence' (inputCol) is array<array<array<double>>>, expected " + accepted,
                refused(encoder, schema(DataTypes.createArrayType(NESTED))));
        assertEquals(uid + ": no column 'sequence' (inputCol), expected a sequence column of type " + accepted
                + "; its columns: id, other", refused(encoder, new StructType().add("id", DataTypes.LongType)
                .add("other", NESTED)));
        assertEquals(uid + ": output column 'state' (outputCol) already exists; its columns: id, sequence, state",
                refused(encoder, schema(NESTED).add("state", new VectorUDT())));
        assertEquals(uid + ": column 'sequence' (inputCol) is array<double>, a flat layout: set featureSize to its"
                + " features per step (1 for one value per step); only array<array<double>> infers it",
                refused(encoder, schema(DataTypes.createArrayType(DataTypes.DoubleType))));
        assertEquals(uid + ": column 'sequence' (inputCol) is vector, a flat layout: set featureSize to its"
                + " features per step (1 for one value per step); only array<array<double>> infers it",
                refused(encoder, schema(new VectorUDT())));
        LaesEncoder unset = new LaesEncoder();
        assertEquals(unset.uid() + ": inputCol is not set; set it to the sequence column, of type " + accepted,
                refused(unset, schema(NESTED)));
    }

    /** The message of the IllegalArgumentException {@code transformSchema} throws. */
    static String refused(LaesEncoder encoder, StructType schema) {
        return assertThrows(IllegalArgumentException.class, () -> encoder.transformSchema(schema)).getMessage();
    }
}
