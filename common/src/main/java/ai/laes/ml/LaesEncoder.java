package ai.laes.ml;

import ai.laes.data.SequenceColumn;
import ai.laes.laes.Laes;
import ai.laes.laes.LaesModel;
import ai.laes.spark.Stages;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * The exact linear autoencoder for sequences (docs/laes-math.md) as a Spark ML estimator. {@link #fit} finds, for the
 * sequences x_1..x_n (x_t in R^k) of the column {@code inputCol}, the encoder
 * <pre>
 *   y_0 = 0,   y_t = A (x_t - mu) + B y_{t-1}        A: p x k,  B: p x p,  p = memorySize
 * </pre>
 * whose linear decoder x^_{n-d} = A^T (B^T)^d y_n + mu reconstructs every prefix of every sequence best in squared
 * error: A = U_p^T P and B = U_p^T R U_p from the top p right singular vectors U_p of the prefix matrix Xi, mu the
 * mean of every step of every sequence (0 if {@code center} is false). It runs exactly as the pretrain job does
 * ({@link Laes#fit}): one mean pass, one distributed Gram pass over the end-aligned sequences (lengths may differ),
 * the eigendecomposition of G = Xi^T Xi on the driver in float64, and the checks of {@code LaesChecks}.
 * The {@link LaesEncoderModel} appends each sequence's final state y_n.
 */
public final class LaesEncoder extends Estimator<LaesEncoderModel> implements LaesEncoderParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final Declared params;

    public LaesEncoder() {
        this(Identifiable.randomUID("laesEncoder"));
    }

    public LaesEncoder(String uid) {
        this.uid = uid;
        this.params = new Declared(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Declared declaredParams() {
        return params;
    }

    public LaesEncoder setInputCol(String value) {
        return (LaesEncoder) set(inputCol(), value);
    }

    public LaesEncoder setOutputCol(String value) {
        return (LaesEncoder) set(outputCol(), value);
    }

    public LaesEncoder setMemorySize(int value) {
        return (LaesEncoder) set(memorySize(), value);
    }

    public LaesEncoder setCenter(boolean value) {
        return (LaesEncoder) set(center(), value);
    }

    public LaesEncoder setFeatureSize(int value) {
        return (LaesEncoder) set(featureSize(), value);
    }

    public LaesEncoder setMaxLength(int value) {
        return (LaesEncoder) set(maxLength(), value);
    }

    /**
     * The input column's type checked and a vector column of size memorySize appended; an IllegalArgumentException
     * naming the column if the input is missing or of another type, a flat layout lacks featureSize, or the output
     * column exists.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        return SequenceInput.withOutput(this, schema, getMemorySize());
    }

    /**
     * The LAES of the column's sequences. With featureSize 0 the first row gives k (one small job) and every other row
     * must have as many features per step. A null, empty, ragged (steps of different sizes), NaN or infinite sequence
     * stops the fit with one IllegalArgumentException naming its row by its index in the data set's order.
     */
    @Override
    public LaesEncoderModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        SequenceColumn column = SequenceInput.resolve(this, dataset.schema());
        SequenceInput.Rows rows = new SequenceInput.Rows(uid, dataset, column);
        boolean inferred = getFeatureSize() == 0;
        int k = inferred ? rows.firstRowFeatures() : getFeatureSize();
        JavaRDD<double[]> sequences = rows.sequences(inferred ? k : 0, "as the first row: featureSize is 0");
        Stages stages = new Stages(JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()));
        int p = getMemorySize();
        boolean centred = getCenter();
        LaesModel laes = rows.rethrowingBadRows(() -> Laes.fit(sequences, k, p, centred, stages));
        LaesEncoderModel model = new LaesEncoderModel(uid, laes).setParent(this);
        return copyValues(model, ParamMap.empty());
    }

    @Override
    public LaesEncoder copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Reads an encoder saved by {@code write().save(path)}: its params (Spark's metadata JSON). */
    public static MLReader<LaesEncoder> read() {
        return new DefaultParamsReader<>();
    }

    public static LaesEncoder load(String path) {
        return read().load(path);
    }
}
