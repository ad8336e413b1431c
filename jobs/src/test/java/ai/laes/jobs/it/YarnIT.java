package ai.laes.jobs.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import ai.laes.spark.TestData;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every job on YARN, through the real submit/*.sh scripts and spark-submit, against an in-process
 * HDFS and YARN ({@link MiniHadoop}: the NodeManager's physical-memory check on) with nothing but
 * HADOOP_CONF_DIR set, and every path hdfs://. The runtime's jars go to HDFS once
 * (submit/yarn-archive.sh, then spark.yarn.archive). In client mode: prepare (real MNIST), pretrain
 * ({@code --limit}), fine-tune (one short epoch, two executors) and a grid of two configurations;
 * then the same pretraining with one executor JVM killed (SIGKILL) in its Gram pass, and once more
 * in cluster mode: both must write LAES files byte-identical to the first run's. YARN must report
 * each application FINISHED / SUCCEEDED. Wall times, each container's peak resident memory against
 * its allocation and the kill's cost go to stdout and {@code jobs/target/it-logs/yarn-measurements.txt}.
 */
class YarnIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);
    private static final String JAVA_HOME = System.getProperty("java.home");

    private final List<String> report = new ArrayList<>();

    @Test
    void everyJobRunsOnYarnAndSurvivesALostExecutor(@TempDir Path tmp) throws Exception {
        long started = System.nanoTime();
        try (MiniHadoop hadoop = MiniHadoop.start(tmp); ContainerMemory memory = new ContainerMemory(hadoop.yarnClient())) {
            report.add("cluster up in " + seconds(started) + " s");
            String hdfs = hadoop.hdfsUri();
            FileSystem fs = hadoop.hdfs();
            Map<String, String> env = Map.of("HADOOP_CONF_DIR", hadoop.confDir().toString());
            String archive = hdfs + "/apps/laes/spark-jars.zip";
            long t = System.nanoTime();
            Script upload = Script.start("yarn-archive.sh", List.of(archive), env).await(Duration.ofMinutes(3));
            assertEquals(0, upload.exitCode(), upload::describe);
            report.add("runtime archive to HDFS in " + seconds(t) + " s");
            for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.mnistDir().resolve(f).toUri()), new org.apache.hadoop.fs.Path(hdfs + "/mnist/" + f));
            }
            Yarn yarn = new Yarn(hadoop, memory, env, archive, report);

            yarn.run("prepare (client)", "prepare.sh", "client", List.of("--mnist", hdfs + "/mnist", "--out", hdfs + "/data/prepared", "--shards", "2"));
            assertHas(fs, hdfs + "/data/prepared", "_SUCCESS", "run.json", "permutation.npy", "train", "validation", "test");

            List<String> pretrain = List.of("--data", hdfs + "/data/prepared", "--task", "smnist", "--memory-size", "16", "--limit", "600");
            yarn.run("pretrain (client)", "pretrain.sh", "client", Script.concat(pretrain, List.of("--out", hdfs + "/out/pretrain")));
            assertHas(fs, hdfs + "/out/pretrain", "_SUCCESS", "run.json", "metrics.json", "laes");

            yarn.run("finetune (client)", "finetune.sh", "client", List.of("--data", hdfs + "/data/prepared", "--out", hdfs + "/out/finetune",
                    "--model", "lmn", "--init-scheme", "orthogonal", "--limit", "320", "--crop-steps", "28", "--hidden", "8",
                    "--batch-size", "32", "--epochs", "1", "--workers", "2"));
            assertHas(fs, hdfs + "/out/finetune", "_SUCCESS", "run.json", "metrics.jsonl");
            assertTrue(read(fs, hdfs + "/out/finetune/metrics.jsonl").contains("\"val_accuracy\""));

            try (var out = fs.create(new org.apache.hadoop.fs.Path(hdfs + "/conf/grid.conf"))) {
                out.write("init-scheme = [orthogonal]\nlearning-rate = [0.02, 0.002]\nbatch-size = [16]\n".getBytes(StandardCharsets.UTF_8));
            }
            yarn.run("grid (client)", "grid.sh", "client", List.of("--data", hdfs + "/data/prepared", "--out", hdfs + "/out/grid",
                    "--grid", hdfs + "/conf/grid.conf", "--limit", "96", "--crop-steps", "28", "--hidden", "8", "--epochs", "1",
                    "--eval-batch-size", "48", "--task", "smnist"));
            assertHas(fs, hdfs + "/out/grid", "_SUCCESS", "run.json", "grid.csv", "best", "runs");
            assertEquals(3, read(fs, hdfs + "/out/grid/grid.csv").lines().count(), () -> "grid.csv: header and two configurations");

            Yarn.Run killed = yarn.runKillingAnExecutor("pretrain, one executor killed (client)", "LAES: Gram: started",
                    Script.concat(pretrain, List.of("--out", hdfs + "/out/pretrain-killed")));
            assertSameLaes(fs, hdfs + "/out/pretrain", hdfs + "/out/pretrain-killed");
            report.add("    " + killed.note());

            yarn.run("pretrain (cluster)", "pretrain.sh", "cluster", Script.concat(pretrain, List.of("--out", hdfs + "/out/pretrain-cluster")));
            assertSameLaes(fs, hdfs + "/out/pretrain", hdfs + "/out/pretrain-cluster");
        } finally {
            report.add("whole test " + seconds(started) + " s");
            String text = String.join("\n", report);
            System.out.println("YARN measurements:\n" + text);
            Files.createDirectories(Script.ROOT.resolve("jobs/target/it-logs"));
            Files.writeString(Script.ROOT.resolve("jobs/target/it-logs/yarn-measurements.txt"), text + "\n");
        }
    }

    /** Submits jobs to the mini cluster and checks what YARN says about each. */
    private static final class Yarn {
        /** One finished submission: its application, wall time and what the containers used. */
        record Run(String name, String applicationId, double seconds, List<ContainerMemory.Peak> peaks, String note) {
        }

        private final MiniHadoop hadoop;
        private final ContainerMemory memory;
        private final Map<String, String> env;
        private final String archive;
        private final List<String> report;

        /** Submissions with {@code env} (HADOOP_CONF_DIR) and the Spark jars from {@code archive}; a line per run goes to {@code report}. */
        Yarn(MiniHadoop hadoop, ContainerMemory memory, Map<String, String> env, String archive, List<String> report) {
            this.hadoop = hadoop;
            this.memory = memory;
            this.env = env;
            this.archive = archive;
            this.report = report;
        }

        /**
         * The spark-submit options of every submission: two single-core executors of 1 GB heap (their
         * memory overhead and environment come from conf/spark-defaults.conf), the Spark jars from
         * HDFS, and this JVM's Java 17 in the containers (the machine's default java may be another).
         */
        private List<String> sparkOptions(String deployMode) {
            return List.of("--master", "yarn", "--deploy-mode", deployMode, "--num-executors", "2", "--executor-cores", "1",
                    "--executor-memory", "1g", "--driver-memory", "1g",
                    "--conf", "spark.yarn.archive=" + archive,
                    "--conf", "spark.executorEnv.JAVA_HOME=" + JAVA_HOME, "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + JAVA_HOME,
                    "--");
        }

        Run run(String name, String script, String deployMode, List<String> jobArgs) throws Exception {
            Set<String> before = applications();
            long t = System.nanoTime();
            Script job = Script.start(script, Script.concat(sparkOptions(deployMode), jobArgs), env).await(JOB_TIMEOUT);
            return finish(name, job, before, t, "");
        }

        /** Runs pretrain.sh in client mode and SIGKILLs one executor JVM half a second after the driver logs {@code trigger}. */
        Run runKillingAnExecutor(String name, String trigger, List<String> jobArgs) throws Exception {
            Set<String> before = applications();
            long t = System.nanoTime();
            Script job = Script.start("pretrain.sh", Script.concat(sparkOptions("client"), jobArgs), env);
            long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
            while (job.isAlive() && !job.stderr().contains(trigger) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(500);
            String app = newApplication(before);
            ContainerJvm victim = ContainerJvm.list().stream()
                    .filter(c -> c.role() == ContainerJvm.Role.EXECUTOR && c.applicationId().equals(app)).findFirst()
                    .orElseThrow(() -> new AssertionError("no executor container of " + app + " to kill\n" + job.describe()));
            double at = seconds(t);
            ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
            job.await(JOB_TIMEOUT);
            String log = job.stderr();
            String note = String.format("killed %s (pid %d) %.1f s into the job; the driver logged %d executor-loss line(s), %d lost task(s)",
                    victim.containerId(), victim.pid(), at, count(log, "Lost executor|ExecutorLostFailure|Executor for container"),
                    count(log, "Lost task"));
            return finish(name, job, before, t, note);
        }

        private Run finish(String name, Script job, Set<String> before, long started, String note) throws Exception {
            double wall = seconds(started);
            assertEquals(0, job.exitCode(), job::describe);
            String app = newApplication(before);
            ApplicationReport done = awaitFinal(app);
            assertEquals(YarnApplicationState.FINISHED, done.getYarnApplicationState(), () -> app + ": " + done.getDiagnostics() + "\n" + job.describe());
            assertEquals(FinalApplicationStatus.SUCCEEDED, done.getFinalApplicationStatus(), () -> app + ": " + done.getDiagnostics());
            Run run = new Run(name, app, wall, memory.of(app), note);
            report.add(String.format("%-40s %s %6.1f s", run.name, run.applicationId, run.seconds));
            run.peaks.forEach(p -> report.add("    " + p));
            return run;
        }

        private ApplicationReport awaitFinal(String app) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            ApplicationReport r;
            do {
                r = hadoop.yarnClient().getApplications().stream()
                        .filter(a -> a.getApplicationId().toString().equals(app)).findFirst().orElseThrow();
                if (Set.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED, YarnApplicationState.KILLED).contains(r.getYarnApplicationState())) {
                    return r;
                }
                Thread.sleep(200);
            } while (System.nanoTime() < deadline);
            return r;
        }

        private Set<String> applications() throws Exception {
            return hadoop.yarnClient().getApplications().stream().map(a -> a.getApplicationId().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        private String newApplication(Set<String> before) throws Exception {
            Set<String> now = applications();
            now.removeAll(before);
            assertEquals(1, now.size(), () -> "new YARN applications: " + now);
            return now.iterator().next();
        }
    }

    private static void assertHas(FileSystem fs, String dir, String... names) throws IOException {
        Set<String> listed = Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(dir))).map(s -> s.getPath().getName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(listed.containsAll(List.of(names)), () -> dir + " holds " + listed + ", expected " + List.of(names));
        assertFalse(listed.stream().anyMatch(n -> n.endsWith(".crc")), () -> dir + " holds checksum files: " + listed);
    }

    private static void assertSameLaes(FileSystem fs, String expected, String actual) throws IOException {
        assertHas(fs, actual, "_SUCCESS", "run.json", "laes");
        for (String matrix : List.of("laes/A.npy", "laes/B.npy", "laes/mean.npy")) {
            assertArrayEquals(bytes(fs, expected + "/" + matrix), bytes(fs, actual + "/" + matrix), actual + "/" + matrix);
        }
    }

    private static byte[] bytes(FileSystem fs, String file) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(file))) {
            return in.readAllBytes();
        }
    }

    private static String read(FileSystem fs, String file) throws IOException {
        return new String(bytes(fs, file), StandardCharsets.UTF_8);
    }

    private static long count(String log, String regex) {
        return log.lines().filter(l -> java.util.regex.Pattern.compile(regex).matcher(l).find()).count();
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
    }

}
