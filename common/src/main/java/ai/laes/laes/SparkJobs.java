package ai.laes.laes;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/** Runs an action under a Spark job description ("LAES: Gram", ...), restoring the previous one. */
final class SparkJobs {
    private static final String DESCRIPTION = "spark.job.description";

    private SparkJobs() {
    }

    static <R> R described(SparkContext sc, String description, Supplier<R> action) {
        String previous = sc.getLocalProperty(DESCRIPTION);
        sc.setJobDescription(description);
        try {
            return action.get();
        } finally {
            sc.setLocalProperty(DESCRIPTION, previous);
        }
    }
}
