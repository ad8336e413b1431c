package ai.laes.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.laes.laes.LaesModel;
import ai.laes.laes.SyntheticSequences;
import ai.laes.spark.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.ml.linalg.VectorUDT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both stages saved and loaded on the local file system and on a real in-process HDFS: every param, the uid, and every
 * double of the LAES back to the bit, so the loaded model's output is the same to the bit. The data is a flat
 * {@code vector} column (k = 3, 2 to 10 steps) fitted uncentred, so no param is left at its default.
 */
class LaesEncoderPersistenceTest extends SparkTestBase {
    private static final int K = 3;
    @TempDir
    static Path tmp;
    private static MiniDFSCluster cluster;
    private static Dataset<Row> data;

    @BeforeAll
    static void startHdfsAndMakeData() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        conf.setInt("dfs.replication", 1);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        List<Row> rows = new ArrayList<>();
        List<double[]> sequences = new SyntheticSequences(3, K).generate(60, 2, 10);
        for (int i = 0; i < sequences.size(); i++) {
            rows.add(RowFactory.create(i, Vectors.dense(sequences.get(i))));
        }
        data = spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
                .add("values", new VectorUDT()));
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    private static String base(String fs) {
        return fs.equals("hdfs") ? "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/models"
                : tmp.resolve("models").toUri().toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "hdfs"})
    void theModelComesBackToTheBit(String fs) throws IOException {
        LaesEncoder encoder = new LaesEncoder().setInputCol("values").setOutputCol("memory").setMemorySize(6)
                .setCenter(false).setFeatureSize(K).setMaxLength(12);
        LaesEncoderModel model = encoder.fit(data);
        String path = base(fs) + "/model";
        model.write().save(path);
        assertThrows(IOException.class, () -> model.write().save(path), "an existing path needs overwrite()");
        model.write().overwrite().save(path);
        LaesEncoderModel loaded = LaesEncoderModel.load(path);

        assertEquals(model.uid(), loaded.uid());
        assertEquals(model.extractParamMap().toString(), loaded.extractParamMap().toString());
        for (String name : LaesEncoderParamsTest.PARAMS) {
            assertEquals(model.getOrDefault(model.getParam(name)), loaded.getOrDefault(loaded.getParam(name)), name);
        }
        LaesModel a = model.laesModel();
        LaesModel b = loaded.laesModel();
        assertBits("A", a.aRowMajor(), b.aRowMajor());
        assertBits("B", a.bRowMajor(), b.bRowMajor());
        assertBits("mu", a.mu(), b.mu());
        assertBits("singular values", a.singularValues(), b.singularValues());
        assertBits("trace", new double[] {a.trace()}, new double[] {b.trace()});
        assertEquals(a.maxSteps(), b.maxSteps());
        assertEquals(a.eigenFigures(), b.eigenFigures());
        assertEquals(a.checks(), b.checks());

        List<Row> before = model.transform(data).orderBy("id").collectAsList();
        List<Row> after = loaded.transform(data).orderBy("id").collectAsList();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertBits("state " + i, ((Vector) before.get(i).getAs("memory")).toArray(),
                    ((Vector) after.get(i).getAs("memory")).toArray());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "hdfs"})
    void theEstimatorComesBackWithItsParams(String fs) throws IOException {
        LaesEncoder encoder = new LaesEncoder().setInputCol("values").setMemorySize(5).setCenter(false)
                .setFeatureSize(K).setMaxLength(12);
        String path = base(fs) + "/encoder";
        encoder.write().overwrite().save(path);
        LaesEncoder loaded = LaesEncoder.load(path);
        assertEquals(encoder.uid(), loaded.uid());
        for (String name : LaesEncoderParamsTest.PARAMS) {
            assertEquals(encoder.getOrDefault(encoder.getParam(name)), loaded.getOrDefault(loaded.getParam(name)), name);
        }
        assertFalse(loaded.getCenter());
        assertTrue(loaded.isSet(loaded.memorySize()) && !loaded.isSet(loaded.outputCol()), "what was set stays set");
        assertBits("A", encoder.fit(data).laesModel().aRowMajor(), loaded.fit(data).laesModel().aRowMajor());

        new Pipeline().setStages(new PipelineStage[] {encoder}).write().overwrite().save(path + "-pipeline");
        LaesEncoder inPipeline = assertInstanceOf(LaesEncoder.class, Pipeline.load(path + "-pipeline").getStages()[0]);
        assertEquals(encoder.uid(), inPipeline.uid());
        assertEquals(encoder.extractParamMap().toString(), inPipeline.extractParamMap().toString());
    }

    private static void assertBits(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
    }
}
