package ai.laes.ml;

import ai.laes.data.SequenceColumn;
import ai.laes.io.InputException;
import ai.laes.laes.LaesModel;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link LaesEncoder}: the LAES (A, B, mu) and the singular values of Xi. {@link #transform} appends to every
 * row the final memory state of its sequence,
 * <pre>
 *   y_n = sum_{d=0}^{n-1} B^d A (x_{n-d} - mu)        (a vector of size p)
 * </pre>
 * computed per partition, {@link LaesModel#BATCH} sequences at a time as one matrix product (the batched encoder of
 * {@link LaesModel}); every other column is kept. Sequences may be longer or shorter than the training ones.
 */
public final class LaesEncoderModel extends Model<LaesEncoderModel> implements LaesEncoderParams, MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final Declared params;
    private final LaesModel laes;

    public LaesEncoderModel(String uid, LaesModel laes) {
        this.uid = uid;
        this.params = new Declared(this);
        this.laes = laes;
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Declared declaredParams() {
        return params;
    }

    public LaesEncoderModel setInputCol(String value) {
        return (LaesEncoderModel) set(inputCol(), value);
    }

    public LaesEncoderModel setOutputCol(String value) {
        return (LaesEncoderModel) set(outputCol(), value);
    }

    public LaesEncoderModel setFeatureSize(int value) {
        return (LaesEncoderModel) set(featureSize(), value);
    }

    public LaesEncoderModel setMaxLength(int value) {
        return (LaesEncoderModel) set(maxLength(), value);
    }

    /** The LAES itself, for the library's own uses. */
    public LaesModel laesModel() {
        return laes;
    }

    /** A, p x k. */
    public DenseMatrix getA() {
        return new DenseMatrix(laes.memorySize(), laes.inputSize(), laes.aRowMajor(), true);
    }

    /** B, p x p. */
    public DenseMatrix getB() {
        return new DenseMatrix(laes.memorySize(), laes.memorySize(), laes.bRowMajor(), true);
    }

    /** mu, the mean the inputs are centred on (0 if fitted with center false). */
    public DenseVector getMean() {
        return new DenseVector(laes.mu());
    }

    /** The singular values of Xi, decreasing: all T k of them. */
    public DenseVector getSingularValues() {
        return new DenseVector(laes.singularValues());
    }

    /**
     * As {@link LaesEncoder#transformSchema}, and featureSize, if set, must be the model's k. The output is a vector of
     * size p.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        column(schema);
        return SequenceInput.withOutput(this, schema, laes.memorySize());
    }

    /** The input column in {@code schema}, checked as {@link LaesEncoder#transformSchema} checks it, and featureSize. */
    private SequenceColumn column(StructType schema) {
        int features = getFeatureSize();
        if (features != 0 && features != laes.inputSize()) {
            throw new InputException(uid + ": featureSize is " + features + ", but the model was fitted on "
                    + laes.inputSize() + " features per step");
        }
        return SequenceInput.resolve(this, schema);
    }

    /**
     * Every row with its sequence's final state appended as {@code outputCol}. A row whose sequence cannot be read
     * fails the action with a message naming its partition and its position there.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        SequenceColumn column = column(dataset.schema());
        int index = dataset.schema().fieldIndex(column.name());
        int k = laes.inputSize();
        LaesModel model = laes;
        String where = uid;
        MapPartitionsFunction<Row, Row> encode = rows -> {
            int partition = TaskContext.getPartitionId();
            long[] position = {0};
            return model.inBatches(rows, row -> SequenceInput.read(where, column, row.get(index), k,
                    "the model's input size", partition, position[0]++), LaesEncoderModel::appended);
        };
        return dataset.toDF().mapPartitions(encode, Encoders.row(out));
    }

    private static Row appended(Row row, double[] state) {
        Object[] values = new Object[row.size() + 1];
        for (int i = 0; i < row.size(); i++) {
            values[i] = row.get(i);
        }
        values[row.size()] = Vectors.dense(state);
        return RowFactory.create(values);
    }

    /**
     * The mean squared reconstruction error per lag d = 0..T-1 (d = 0 the newest step, T the training sequences'
     * longest length) of the column's sequences, each decoded from its own final state:
     * MSE_d = mean over the sequences longer than d and the k features of (x^_{n-d} - x_{n-d})^2 (NaN where no
     * sequence is longer than d). One distributed pass; a bad row is named by its index in the data set's order.
     */
    public double[] reconstructionError(Dataset<?> dataset) {
        SequenceColumn column = column(dataset.schema());
        SequenceInput.Rows rows = new SequenceInput.Rows(uid, dataset, column);
        JavaRDD<double[]> sequences = rows.sequences(laes.inputSize(), "the model's input size");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        return rows.rethrowingBadRows(() -> laes.reconstructionMsePerLag(sequences, sc));
    }

    @Override
    public LaesEncoderModel copy(ParamMap extra) {
        return copyValues(new LaesEncoderModel(uid, laes), extra).setParent(parent());
    }

    /** Writes the params (Spark's metadata JSON) and the LAES (one Parquet row of float64 arrays, exact to the bit). */
    @Override
    public MLWriter write() {
        return new LaesEncoderModelIO.Writer(this);
    }

    public static MLReader<LaesEncoderModel> read() {
        return new LaesEncoderModelIO.Reader();
    }

    public static LaesEncoderModel load(String path) {
        return read().load(path);
    }
}
