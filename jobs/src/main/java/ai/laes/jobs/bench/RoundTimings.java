package ai.laes.jobs.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Where the averaging rounds' wall time goes, from Spark's own task metrics: for every job whose
 * description starts with a prefix (one job per round), its wall time (job start to job end at the
 * driver) and, for its training tasks (the job's result stage: one per worker), the slowest and
 * fastest task's run time on the executor, the task time outside the run (deserialising the task,
 * sending the result), and the run time outside DL4J's {@code fit} calls (from a
 * {@link FitTimeHook}: getting the broadcast, building the worker network and the DataSets); then
 * the time the driver spends between rounds (averaging, the NaN check, building the next round).
 */
final class RoundTimings extends SparkListener {
    private final String prefix;
    private final Map<Integer, Round> byJob = new HashMap<>();
    private final Map<Integer, Round> byResultStage = new HashMap<>();
    private final List<Round> rounds = new ArrayList<>();

    private static final class Round {
        long start;
        long end;
        long maxRun;
        long minRun = Long.MAX_VALUE;
        long run;
        long outsideRun;
        long gc;
        int tasks;
    }

    RoundTimings(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart job) {
        String description = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
        if (description == null || !description.startsWith(prefix)) {
            return;
        }
        Round r = new Round();
        r.start = job.time();
        rounds.add(r);
        byJob.put(job.jobId(), r);
        int resultStage = -1; // a job's result stage is created after its parents: the highest id
        for (Object stage : scala.collection.JavaConverters.seqAsJavaList(job.stageIds())) {
            resultStage = Math.max(resultStage, (Integer) stage);
        }
        byResultStage.put(resultStage, r);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd task) {
        Round r = byResultStage.get(task.stageId());
        TaskMetrics m = task.taskMetrics();
        if (r == null || m == null) {
            return;
        }
        long run = m.executorRunTime();
        r.maxRun = Math.max(r.maxRun, run);
        r.minRun = Math.min(r.minRun, run);
        r.run += run;
        r.outsideRun += task.taskInfo().duration() - run;
        r.gc += m.jvmGCTime();
        r.tasks++;
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd job) {
        Round r = byJob.get(job.jobId());
        if (r != null) {
            r.end = job.time();
        }
    }

    /** One line: means per round in seconds; {@code fitSeconds}: all tasks' time inside their {@code fits} fit calls. */
    synchronized String summary(double fitSeconds, long fits) {
        double n = rounds.size();
        double wall = 0, maxRun = 0, spread = 0, outside = 0, gc = 0, between = 0, run = 0;
        int tasks = 0;
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            wall += r.end - r.start;
            maxRun += r.maxRun;
            spread += r.tasks > 1 ? r.maxRun - r.minRun : 0;
            outside += r.tasks > 0 ? (double) r.outsideRun / r.tasks : 0;
            gc += r.tasks > 0 ? (double) r.gc / r.tasks : 0;
            between += i > 0 ? r.start - rounds.get(i - 1).end : 0;
            run += r.run;
            tasks += r.tasks;
        }
        return String.format(Locale.ROOT, "per round (means over %d, s): job wall %.3f, slowest task run %.3f "
                        + "(fit %.3f per minibatch; outside fit %.3f per task), slowest - fastest task run %.3f, task time outside the run %.3f, "
                        + "task GC %.3f, driver between rounds %.3f",
                rounds.size(), wall / n / 1e3, maxRun / n / 1e3, fits > 0 ? fitSeconds / fits : 0, tasks > 0 ? (run / 1e3 - fitSeconds) / tasks : 0,
                spread / n / 1e3, outside / n / 1e3, gc / n / 1e3, rounds.size() > 1 ? between / (n - 1) / 1e3 : 0);
    }
}
