package ai.laes.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.laes.spark.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster from submit/cluster.sh (one Master, one Worker with 2 cores), and
 * prepare submitted to it as two single-core executors. While the job runs, the listening TCP
 * sockets of every process involved (master, worker, the executors, the driver) are sampled from
 * /proc: all must be on loopback. The cluster is always stopped.
 */
class ClusterIT {
    private static final String MASTER_URL = "spark://127.0.0.1:7077";
    private static final Path CLUSTER_DIR = Script.ROOT.resolve("target/cluster");
    private static final Path WORK_DIR = CLUSTER_DIR.resolve("work");

    @Test
    void prepareRunsAsTwoSingleCoreExecutorsListeningOnLoopbackOnly(@TempDir Path tmp) throws Exception {
        Script status = Script.run("cluster.sh", Duration.ofMinutes(1), "status");
        assertNotEquals(0, status.exitCode(),
                "a cluster is already running (" + CLUSTER_DIR + "); stop it first with submit/cluster.sh stop");
        Set<String> appsBefore = apps();

        Script start = Script.run("cluster.sh", Duration.ofMinutes(3), "start", "--cores", "2", "--memory", "4g");
        List<Long> daemons = new ArrayList<>();
        Script stop;
        try {
            assertEquals(0, start.exitCode(), start::describe);
            assertTrue(start.stdout().contains(MASTER_URL), start::describe);
            daemons.add(pidOf("master"));
            daemons.add(pidOf("worker-1"));

            Path out = tmp.resolve("prepared");
            Script job = Script.start("prepare.sh", List.of("--master", MASTER_URL,
                    "--executor-cores", "1", "--total-executor-cores", "2", "--executor-memory", "1g", "--",
                    "--mnist", TestData.mnistDir().toString(), "--out", out.toString()));
            Map<Long, Sighting> seen = new TreeMap<>();
            String ss = null;
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (job.isAlive() && System.nanoTime() < deadline) {
                sample(daemons, job.handle(), seen);
                if (ss == null && count(seen, Role.EXECUTOR) >= 2) {
                    ss = socketTable();
                }
                Thread.sleep(200);
            }
            job.await(Duration.ofSeconds(30));
            System.out.println("listening sockets while the job ran on the cluster:\n" + ss);
            Files.createDirectories(Script.ROOT.resolve("jobs/target/it-logs"));
            Files.writeString(Script.ROOT.resolve("jobs/target/it-logs/cluster-listeners.txt"),
                    describe(seen) + "\n\n" + ss + "\n");

            assertEquals(0, job.exitCode(), job::describe);
            assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")), job::describe);
            String runJson = Files.readString(out.resolve("run.json"));
            assertTrue(runJson.contains(MASTER_URL), () -> "run.json does not record the cluster's master:\n" + runJson);

            List<String> outside = new ArrayList<>();
            seen.forEach((pid, s) -> s.addresses.stream().filter(a -> !Listeners.isLoopback(a))
                    .forEach(a -> outside.add(s.role + " " + pid + " listens on " + a)));
            assertTrue(outside.isEmpty(), () -> "listeners outside loopback: " + outside + "\n" + describe(seen));
            Set<Integer> masterPorts = ports(seen, Role.MASTER);
            assertTrue(masterPorts.containsAll(Set.of(7077, 8080)), () -> "master ports: " + masterPorts + "\n" + describe(seen));
            assertFalse(ports(seen, Role.WORKER).isEmpty(), () -> "no worker listener seen\n" + describe(seen));
            assertFalse(ports(seen, Role.DRIVER).isEmpty(), () -> "no driver listener seen\n" + describe(seen));
            assertEquals(2, count(seen, Role.EXECUTOR), () -> "expected two executor JVMs\n" + describe(seen));

            Set<String> newApps = new TreeSet<>(apps());
            newApps.removeAll(appsBefore);
            assertEquals(1, newApps.size(), () -> "applications run on the cluster: " + newApps);
            Set<String> executors = list(WORK_DIR.resolve(newApps.iterator().next()));
            assertEquals(Set.of("0", "1"), executors, "executor directories of the application");
            for (String e : executors) { // single-core executors size their JVM threads for one processor
                String command = Files.readString(WORK_DIR.resolve(newApps.iterator().next()).resolve(e).resolve("stderr"))
                        .lines().filter(l -> l.startsWith("Spark Executor Command:")).findFirst().orElse("");
                assertTrue(command.contains("\"-XX:ActiveProcessorCount=1\""), () -> "executor " + e + ": " + command);
            }

            // The LAES on the cluster equals the LAES on local[2] (same data, same deterministic sign convention).
            List<String> pretrain = List.of("--data", out.toString(), "--task", "smnist", "--memory-size", "16", "--limit", "600");
            Script onCluster = Script.start("pretrain.sh", Script.concat(List.of("--master", MASTER_URL,
                    "--executor-cores", "1", "--total-executor-cores", "2", "--executor-memory", "1g", "--",
                    "--out", tmp.resolve("laes-cluster").toString()), pretrain)).await(Duration.ofMinutes(6));
            assertEquals(0, onCluster.exitCode(), onCluster::describe);
            Script onLocal = Script.start("pretrain.sh", Script.concat(List.of("--master", "local[2]",
                    "--conf", "spark.ui.enabled=false", "--", "--out", tmp.resolve("laes-local").toString()), pretrain)).await(Duration.ofMinutes(6));
            assertEquals(0, onLocal.exitCode(), onLocal::describe);
            for (String matrix : List.of("laes/A.npy", "laes/B.npy", "laes/mean.npy")) {
                double[] a = npy(tmp.resolve("laes-cluster").resolve(matrix));
                double[] b = npy(tmp.resolve("laes-local").resolve(matrix));
                assertEquals(a.length, b.length, matrix);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(b[i], a[i], 1e-9, matrix + "[" + i + "]");
                }
            }

            // Fine-tuning runs on the cluster too (a tiny budget: two workers, one epoch).
            Script finetune = Script.start("finetune.sh", List.of("--master", MASTER_URL,
                    "--executor-cores", "1", "--total-executor-cores", "2", "--executor-memory", "1g", "--",
                    "--data", out.toString(), "--out", tmp.resolve("finetuned").toString(), "--model", "lmn",
                    "--init-scheme", "orthogonal", "--limit", "320", "--crop-steps", "28", "--hidden", "8",
                    "--batch-size", "32", "--epochs", "1", "--workers", "2")).await(Duration.ofMinutes(6));
            assertEquals(0, finetune.exitCode(), finetune::describe);
            assertTrue(Files.isRegularFile(tmp.resolve("finetuned/_SUCCESS")), finetune::describe);
            assertTrue(Files.readString(tmp.resolve("finetuned/metrics.jsonl")).contains("\"val_accuracy\""));
        } finally {
            stop = Script.run("cluster.sh", Duration.ofMinutes(2), "stop");
            for (String app : apps()) {
                if (!appsBefore.contains(app)) {
                    deleteTree(WORK_DIR.resolve(app)); // each holds a copy of the shaded jar per executor
                }
            }
        }
        assertEquals(0, stop.exitCode(), stop::describe);
        for (long pid : daemons) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " survived stop");
        }
    }


    private static double[] npy(Path file) {
        return ai.laes.io.Npy.read(new org.apache.hadoop.fs.Path(file.toUri()), new org.apache.hadoop.conf.Configuration()).values();
    }

    private enum Role { MASTER, WORKER, EXECUTOR, DRIVER, OTHER }

    /** The listeners one process was seen with. */
    private static final class Sighting {
        final Role role;
        final Set<InetSocketAddress> addresses = new LinkedHashSet<>();

        Sighting(Role role) {
            this.role = role;
        }
    }

    /** Records the listeners of the daemons, the driver and all their descendants (the executors). */
    private static void sample(List<Long> daemons, ProcessHandle driver, Map<Long, Sighting> seen) {
        List<ProcessHandle> processes = new ArrayList<>();
        for (long pid : daemons) {
            ProcessHandle.of(pid).ifPresent(p -> {
                processes.add(p);
                p.descendants().forEach(processes::add);
            });
        }
        processes.add(driver);
        driver.descendants().forEach(processes::add);
        for (ProcessHandle p : processes) {
            List<InetSocketAddress> listening = Listeners.of(p.pid());
            if (!listening.isEmpty()) {
                seen.computeIfAbsent(p.pid(), pid -> new Sighting(roleOf(pid))).addresses.addAll(listening);
            }
        }
    }

    private static Role roleOf(long pid) {
        String cmdline;
        try {
            cmdline = Files.readString(Paths.get("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException gone) {
            return Role.OTHER;
        }
        if (cmdline.contains("org.apache.spark.deploy.master.Master")) {
            return Role.MASTER;
        } else if (cmdline.contains("org.apache.spark.deploy.worker.Worker")) {
            return Role.WORKER;
        } else if (cmdline.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")) {
            return Role.EXECUTOR;
        } else if (cmdline.contains("org.apache.spark.deploy.SparkSubmit")) {
            return Role.DRIVER;
        }
        return Role.OTHER;
    }

    private static long count(Map<Long, Sighting> seen, Role role) {
        return seen.values().stream().filter(s -> s.role == role).count();
    }

    private static Set<Integer> ports(Map<Long, Sighting> seen, Role role) {
        return seen.values().stream().filter(s -> s.role == role)
                .flatMap(s -> s.addresses.stream()).map(InetSocketAddress::getPort).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String describe(Map<Long, Sighting> seen) {
        StringBuilder b = new StringBuilder("listeners seen (pid role addresses):");
        seen.forEach((pid, s) -> b.append("\n  ").append(pid).append(' ').append(s.role).append(' ').append(s.addresses));
        return b.toString();
    }

    /** {@code ss -ltnp}, for the record (the assertions use /proc). */
    private static String socketTable() {
        try {
            Process ss = new ProcessBuilder("ss", "-ltnp").redirectErrorStream(true).start();
            String text = new String(ss.getInputStream().readAllBytes());
            ss.waitFor();
            return text;
        } catch (IOException | InterruptedException e) {
            return "(ss unavailable: " + e + ")";
        }
    }

    private static long pidOf(String daemon) throws IOException {
        return Long.parseLong(Files.readString(CLUSTER_DIR.resolve(daemon + ".pid")).trim());
    }

    private static Set<String> apps() throws IOException {
        return list(WORK_DIR).stream().filter(n -> n.startsWith("app-")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new TreeSet<>();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
