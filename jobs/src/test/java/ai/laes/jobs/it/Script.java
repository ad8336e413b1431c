package ai.laes.jobs.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a submit/ script as a child process, the way a user runs it: bash, the checkout as
 * working directory, this JVM's Java 17 as JAVA_HOME, the project's own Spark runtime (any
 * SPARK_HOME of the caller is removed), loopback and one OpenMP thread. Output goes to files
 * (no pipe can fill up), read back when the run ends.
 */
final class Script {
    /** The checkout root (failsafe sets laes.root). */
    static final Path ROOT = Paths.get(System.getProperty("laes.root", "..")).toAbsolutePath().normalize();

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final String description;

    private Script(Process process, Path stdout, Path stderr, String description) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.description = description;
    }

    /** Starts {@code submit/<script> args...}. */
    static Script start(String script, List<String> args) throws IOException {
        return start(script, args, Map.of());
    }

    /** Starts {@code submit/<script> args...} with {@code extraEnv} added to its environment (e.g. HADOOP_CONF_DIR). */
    static Script start(String script, List<String> args, Map<String, String> extraEnv) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(ROOT.resolve("submit").resolve(script).toString());
        command.addAll(args);
        Path logs = Files.createDirectories(ROOT.resolve("jobs/target/it-logs"));
        String stem = script.replace(".sh", "") + "-" + System.nanoTime();
        Path out = logs.resolve(stem + ".out");
        Path err = logs.resolve(stem + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        Map<String, String> env = pb.environment();
        env.remove("SPARK_HOME");
        env.remove("SPARK_CONF_DIR");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("OMP_NUM_THREADS", "1");
        // A nested mvn (runtime assembly) must use the same local repository as this build.
        String repo = System.getProperty("laes.maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            env.put("MAVEN_OPTS", (env.getOrDefault("MAVEN_OPTS", "") + " -Dmaven.repo.local=" + repo).trim());
        }
        env.putAll(extraEnv);
        return new Script(pb.start(), out, err, String.join(" ", command));
    }

    /** Runs {@code submit/<script> args...} to completion. */
    static Script run(String script, Duration timeout, String... args) throws IOException, InterruptedException {
        return start(script, List.of(args)).await(timeout);
    }

    /** {@code a} followed by {@code b}: spark-submit options, then job options. */
    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the end; on timeout kills the whole process tree and fails. */
    Script await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(description + " did not finish within " + timeout + "\n" + describe());
        }
        return this;
    }

    int exitCode() {
        return process.exitValue();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** The non-blank lines of stderr. */
    List<String> stderrLines() {
        return stderr().lines().filter(l -> !l.isBlank()).toList();
    }

    /** Command, exit code and the end of both outputs, for assertion messages. */
    String describe() {
        String exit = process.isAlive() ? "running" : "exit " + process.exitValue();
        return "$ " + description + " (" + exit + ")\n--- stdout (" + stdout + ")\n" + tail(stdout())
                + "\n--- stderr (" + stderr + ")\n" + tail(stderr());
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
