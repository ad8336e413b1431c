package ai.laes.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's stages: each is named in the Spark UI (job description) and the log, and timed; the
 * seconds per stage go into run.json and metrics.json.
 */
public final class Stages {
    private static final String DESCRIPTION = "spark.job.description";
    private static final Logger LOG = LoggerFactory.getLogger(Stages.class);
    private final JavaSparkContext sc;
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    public Stages(JavaSparkContext sc) {
        this.sc = sc;
    }

    /** Stages that are only timed and logged (no Spark context to describe them in). */
    public Stages() {
        this(null);
    }

    /** Runs {@code body} as the stage {@code name} and returns its result. */
    public <T> T run(String name, Supplier<T> body) {
        LOG.info("{}: started", name);
        long start = System.nanoTime();
        try {
            return sc == null ? body.get() : described(sc.sc(), name, body);
        } finally {
            double s = (System.nanoTime() - start) / 1e9;
            seconds.merge(name, s, Double::sum);
            LOG.info("{}: {} s", name, String.format("%.1f", s));
        }
    }

    /** Runs {@code action} under the Spark job description {@code description}, restoring the previous one. */
    public static <R> R described(SparkContext sc, String description, Supplier<R> action) {
        String previous = sc.getLocalProperty(DESCRIPTION);
        sc.setJobDescription(description);
        try {
            return action.get();
        } finally {
            sc.setLocalProperty(DESCRIPTION, previous);
        }
    }

    /** Runs {@code body} as the stage {@code name}. */
    public void run(String name, Runnable body) {
        run(name, () -> {
            body.run();
            return null;
        });
    }

    /** Seconds per stage, in the order the stages first ran. */
    public Map<String, Double> seconds() {
        return new LinkedHashMap<>(seconds);
    }
}
