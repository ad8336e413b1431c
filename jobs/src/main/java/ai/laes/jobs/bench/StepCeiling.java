package ai.laes.jobs.bench;

import java.util.List;
import java.util.Locale;

import ai.laes.data.LabeledImage;
import ai.laes.data.SequenceTask;
import ai.laes.data.SequenceView;
import ai.laes.train.Batches;
import ai.laes.train.ModelFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The speed-up this machine allows two single-core workers before any Spark overhead: the median LMN minibatch step
 * (batch 64, sMNIST, T = 784, LAES start) alone, then in two threads stepping at once; the ceiling is
 * {@code 2 * alone / together} (shared caches, memory bandwidth, clock, or two vCPUs sharing a core). Prints one
 * tab-separated line, {@code ceiling <alone_s> <together_s> <ceiling>}, for {@code submit/bench-grid.sh} to set
 * its speed-ups beside. Run under spark-submit with a master of two cores.
 *
 * <p>Arguments: MNIST_DIR [EXAMPLES=1280].
 */
public final class StepCeiling {
    private StepCeiling() {
    }

    public static void main(String[] args) {
        int examples = args.length > 1 ? Integer.parseInt(args[1]) : 1280;
        SparkSession spark = SparkSession.builder().appName("laes-step-ceiling").getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<LabeledImage> images = FinetuneBenchmark.images(args[0], examples, sc);
            Batches batches = Batches.mnist(0);
            JavaRDD<LabeledImage> rdd = sc.parallelize(images, 2);
            ModelFactory factory = FinetuneBenchmark.factory("lmn", rdd, batches);
            // one round of each first, for the JIT: the lone step would otherwise be measured colder than the pair
            FinetuneBenchmark.stepSeconds(factory, batches, images, 64);
            FinetuneBenchmark.concurrentStepSeconds(factory, batches, images, 64);
            double alone = FinetuneBenchmark.stepSeconds(factory, batches, images, 64);
            double[] together = FinetuneBenchmark.concurrentStepSeconds(factory, batches, images, 64);
            double slower = Math.max(together[0], together[1]);
            System.out.println(String.format(Locale.ROOT, "ceiling\t%.3f\t%.3f\t%.2f", alone, slower, 2 * alone / slower));
        } finally {
            spark.stop();
        }
    }
}
