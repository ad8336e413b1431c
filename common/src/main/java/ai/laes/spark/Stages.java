package ai.laes.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's stages: each is named in the Spark UI (job description) and the log, and timed; the
 * seconds per stage go into run.json and metrics.json.
 */
public final class Stages {
    private static final Logger LOG = LoggerFactory.getLogger(Stages.class);
    private final JavaSparkContext sc;
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    public Stages(JavaSparkContext sc) {
        this.sc = sc;
    }

    /** Runs {@code body} as the stage {@code name} and returns its result. */
    public <T> T run(String name, Supplier<T> body) {
        if (sc != null) {
            sc.setJobDescription(name);
        }
        LOG.info("{}: started", name);
        long start = System.nanoTime();
        try {
            return body.get();
        } finally {
            double s = (System.nanoTime() - start) / 1e9;
            seconds.merge(name, s, Double::sum);
            LOG.info("{}: {} s", name, String.format("%.1f", s));
            if (sc != null) {
                sc.setJobDescription(null);
            }
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
