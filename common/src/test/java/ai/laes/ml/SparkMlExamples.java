package ai.laes.ml;

import java.io.IOException;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The examples of docs/spark-ml.md, run by {@link SparkMlExamplesTest}. The code between the markers
 * {@code docs/spark-ml.md: begin} and {@code end} is exactly the page's code block (the test compares them).
 */
final class SparkMlExamples {
    /** What the example leaves: the fitted pipeline, the same loaded back, and the loaded one's test accuracy. */
    record Outcome(PipelineModel fitted, PipelineModel loaded, double accuracy) {
    }

    private SparkMlExamples() {
    }

    /**
     * The LAES encoder and Spark's logistic regression in one pipeline: {@code train} and {@code test} have a column
     * {@code sequence} (array&lt;array&lt;double&gt;&gt;) and a double {@code label}; the model is saved at {@code path}.
     */
    static Outcome encoderAndLogisticRegression(Dataset<Row> train, Dataset<Row> test, String path) throws IOException {
        // docs/spark-ml.md: begin
        LaesEncoder encoder = new LaesEncoder()
                .setInputCol("sequence")     // array<array<double>>: one array of features per step
                .setOutputCol("state")       // the final LAES memory state, a vector of size 32
                .setMemorySize(32);
        LogisticRegression classifier = new LogisticRegression()
                .setFeaturesCol("state")
                .setLabelCol("label");       // a double
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {encoder, classifier});
        PipelineModel fitted = pipeline.fit(train);

        fitted.write().overwrite().save(path); // any Hadoop FileSystem: file:, hdfs:, ...
        PipelineModel loaded = PipelineModel.load(path);

        Dataset<Row> predictions = loaded.transform(test);
        double accuracy = new MulticlassClassificationEvaluator()
                .setLabelCol("label")
                .setMetricName("accuracy")
                .evaluate(predictions);
        // docs/spark-ml.md: end
        return new Outcome(fitted, loaded, accuracy);
    }
}
