package ai.laes.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ai.laes.io.FileSystems;
import ai.laes.io.RunInfo;
import ai.laes.train.Checkpoints;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a grid's unfinished configurations: one single-task Spark job each, submitted from a pool of {@code parallel}
 * driver threads, so Spark hands every free executor core the next configuration (dynamic scheduling, no
 * configuration waits for another's epoch). The longest expected first: most epochs left (a resumed configuration
 * continues from its checkpoint), then the smaller batch size (more steps per epoch); so the grid does not end on a
 * long configuration started last. Each job is described by its configuration in the Spark UI. Meanwhile a driver
 * thread reads the runs' {@code metrics.jsonl} every {@link #POLL_SECONDS} s and logs every finished epoch with the
 * grid's progress, its best validation loss so far and its ETA (from the epochs finished since this driver started).
 */
final class GridSchedule {
    static final int POLL_SECONDS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(GridSchedule.class);

    private final JavaSparkContext sc;
    private final Path work;
    private final int epochs;
    private final Configuration conf;
    /** Per configuration, the epochs already logged. */
    private final Map<String, Integer> logged = new LinkedHashMap<>();
    private long startNanos;
    private int startEpochs;

    GridSchedule(JavaSparkContext sc, Path work, int epochs, Configuration conf) {
        this.sc = sc;
        this.work = work;
        this.epochs = epochs;
        this.conf = conf;
    }

    /** Trains every task that has no {@code done.json} yet; fails with the first failed configuration. */
    void run(List<GridTask> tasks, int parallel) {
        List<GridTask> pending = new ArrayList<>();
        for (GridTask t : tasks) {
            if (finishedBefore(t.id())) {
                LOG.info("grid {}: finished before, kept", t.id());
            } else {
                pending.add(t);
            }
        }
        Map<String, Integer> done = new LinkedHashMap<>();
        for (GridTask t : tasks) {
            done.put(t.id(), epochsDone(t.id()));
        }
        pending.sort(Comparator.comparingInt((GridTask t) -> done.get(t.id())).thenComparingInt(GridTask::batchSize));
        tasks.forEach(t -> logged.put(t.id(), done.get(t.id())));
        startEpochs = done.values().stream().mapToInt(Integer::intValue).sum();
        startNanos = System.nanoTime();
        LOG.info("grid: {} configurations, {} finished before, {} to train, {} at a time", tasks.size(), tasks.size() - pending.size(),
                pending.size(), parallel);

        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, pending.size())));
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        poller.scheduleWithFixedDelay(this::poll, POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < pending.size(); i++) {
                GridTask task = pending.get(i);
                String description = String.format(Locale.ROOT, "grid %d/%d: %s", i + 1, pending.size(), task.id());
                futures.add(pool.submit(() -> {
                    sc.setJobDescription(description);
                    try {
                        sc.parallelize(List.of(task), 1).map(GridTask::call).collect();
                    } finally {
                        sc.setJobDescription(null);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
            poller.shutdownNow();
        }
        poll();
    }

    /**
     * True if configuration {@code id} has finished for this budget: its {@code done.json} counts {@link #epochs} epochs
     * or a divergence. The {@code done.json} of a run finished for a smaller budget is removed here, on the driver, so
     * the task continues it from its last checkpoint.
     */
    private boolean finishedBefore(String id) {
        Path done = new Path(GridJob.runDir(work, id), GridTask.DONE);
        if (!FileSystems.exists(done, conf)) {
            return false;
        }
        Map<String, Object> d = RunInfo.readJson(done, conf);
        if (((Number) d.get("epochs")).intValue() >= epochs || ((Number) d.get("diverged_at")).intValue() > 0) {
            return true;
        }
        try {
            FileSystems.of(done, conf).delete(done, false);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + done, e);
        }
        LOG.info("grid {}: finished after {} epochs before, continued to {}", id, d.get("epochs"), epochs);
        return false;
    }

    /** Epochs of configuration {@code id} completed and checkpointed so far. */
    private int epochsDone(String id) {
        return new Checkpoints(GridJob.runDir(work, id), conf).latest().map(Checkpoints.State::epoch).orElse(0);
    }

    /** Logs each epoch finished since the last poll. */
    private synchronized void poll() {
        try {
            List<GridRun> runs = new ArrayList<>();
            for (String id : logged.keySet()) {
                runs.add(GridRun.read(id, GridJob.runDir(work, id), conf));
            }
            int finished = (int) runs.stream().filter(GridRun::finished).count();
            int total = 0;
            int remaining = 0;
            GridRun best = null;
            double bestLoss = Double.POSITIVE_INFINITY;
            for (GridRun r : runs) {
                int e = r.validation().size() - 1;
                total += Math.max(0, e);
                remaining += r.finished() ? 0 : epochs - Math.max(0, e);
                for (double[] v : r.validation()) {
                    if (v[1] < bestLoss) {
                        bestLoss = v[1];
                        best = r;
                    }
                }
            }
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            int sinceStart = total - startEpochs;
            String eta = sinceStart > 0 ? String.format(Locale.ROOT, "%.0f s", elapsed / sinceStart * remaining) : "unknown";
            for (GridRun r : runs) {
                int e = r.validation().size() - 1;
                for (int k = logged.get(r.id()) + 1; k <= e; k++) {
                    double[] v = r.validation().get(k);
                    LOG.info(String.format(Locale.ROOT, "grid %s epoch %d/%d: validation loss %.4f, accuracy %.4f; %d/%d configurations done, "
                            + "best validation loss so far %.4f (%s); ETA %s", r.id(), (int) v[0], epochs, v[1], v[2], finished, runs.size(),
                            bestLoss, best == null ? "-" : best.id(), eta));
                }
                logged.put(r.id(), Math.max(logged.get(r.id()), e));
            }
        } catch (RuntimeException e) { // a file caught between writes: the next poll sees it whole
            LOG.debug("grid progress: {}", e.getMessage());
        }
    }
}
