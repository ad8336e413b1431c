package ai.laes.ml;

import java.util.List;

import ai.laes.laes.LaesChecks;
import ai.laes.laes.LaesModel;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * The saved form of a {@link LaesEncoderModel}, on any Hadoop FileSystem: {@code path/metadata} is Spark's params JSON
 * (DefaultParamsWriter, as every Spark stage writes it) and {@code path/data} one Parquet row holding A and B
 * row-major, mu, the singular values, trace(Xi^T Xi), T and the figures of the eigendecomposition's check. Parquet
 * stores IEEE-754 doubles as they are, so every value comes back to the bit.
 */
final class LaesEncoderModelIO {
    static final StructType DATA = new StructType()
            .add("a", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("b", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("mu", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("singularValues", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("trace", DataTypes.DoubleType, false)
            .add("maxSteps", DataTypes.IntegerType, false)
            .add("orthonormalityError", DataTypes.DoubleType, false)
            .add("eigenResidual", DataTypes.DoubleType, false);

    private LaesEncoderModelIO() {
    }

    static String dataPath(String path) {
        return new Path(path, "data").toString();
    }

    static final class Writer extends MLWriter {
        private final LaesEncoderModel model;

        Writer(LaesEncoderModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
            LaesModel laes = model.laesModel();
            Row row = RowFactory.create(laes.aRowMajor(), laes.bRowMajor(), laes.mu(), laes.singularValues(),
                    laes.trace(), laes.maxSteps(), laes.eigenFigures().orthonormalityError(),
                    laes.eigenFigures().residual());
            sparkSession().createDataFrame(List.of(row), DATA).repartition(1).write().parquet(dataPath(path));
        }
    }

    static final class Reader extends MLReader<LaesEncoderModel> {
        @Override
        public LaesEncoderModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
                    LaesEncoderModel.class.getName());
            List<Row> rows = sparkSession().read().parquet(dataPath(path)).select("a", "b", "mu", "singularValues",
                    "trace", "maxSteps", "orthonormalityError", "eigenResidual").collectAsList();
            if (rows.size() != 1) {
                throw new IllegalArgumentException(dataPath(path) + ": " + rows.size() + " rows, expected one LAES");
            }
            Row r = rows.get(0);
            LaesModel laes = LaesModel.restore(doubles(r, 0), doubles(r, 1), doubles(r, 2), doubles(r, 3),
                    r.getDouble(4), r.getInt(5), new LaesChecks.EigenFigures(r.getDouble(6), r.getDouble(7)));
            LaesEncoderModel model = new LaesEncoderModel(metadata.uid(), laes);
            metadata.getAndSetParams(model, Option.empty());
            return model;
        }

        private static double[] doubles(Row r, int i) {
            return r.<Double>getList(i).stream().mapToDouble(Double::doubleValue).toArray();
        }
    }
}
