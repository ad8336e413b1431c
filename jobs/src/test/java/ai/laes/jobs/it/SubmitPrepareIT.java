package ai.laes.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.laes.jobs.JobAssertions;
import ai.laes.spark.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/prepare.sh end to end through the real spark-submit path (the project's Spark runtime,
 * conf/spark-defaults.conf, conf/log4j2.properties, the shaded jar) on real MNIST: the output is
 * complete, without Hadoop checksum files, and the run logs no WARN line (but the one a user can act
 * on: another application holding the UI port); a second run refuses the existing output with
 * exit 2, one line on stderr, and touches nothing.
 */
class SubmitPrepareIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
    /** A log line at WARN, in conf/log4j2.properties' layout ("HH:mm:ss WARN Logger: message"). */
    private static final Pattern WARN = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d WARN ");
    /** Spark's port warning: another application on this machine holds the web UI's port. */
    private static final Pattern PORT_TAKEN = Pattern.compile("could not bind on port");

    @Test
    void prepareWritesCompleteOutputThenRefusesToOverwriteIt(@TempDir Path tmp) throws Exception {
        String mnist = TestData.mnistDir().toString();
        Path out = tmp.resolve("prepared");

        // No "--": every argument is a job option; the master comes from conf/spark-defaults.conf.
        Script first = Script.run("prepare.sh", JOB_TIMEOUT, "--mnist", mnist, "--out", out.toString());
        assertEquals(0, first.exitCode(), first::describe);
        assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")), () -> "no _SUCCESS in " + out + "\n" + first.describe());
        String runJson = Files.readString(out.resolve("run.json"));
        assertTrue(runJson.contains("local[*]"), () -> "run.json does not record the defaults' master local[*]:\n" + runJson);
        for (String split : List.of("train", "validation", "test")) {
            assertTrue(parquetFiles(out.resolve(split)) > 0, () -> "no Parquet files in " + out.resolve(split));
        }
        JobAssertions.assertNoChecksumFiles(out);
        List<String> warnings = first.stderrLines().stream()
                .filter(l -> WARN.matcher(l).find() && !PORT_TAKEN.matcher(l).find()).toList();
        assertEquals(List.of(), warnings, first::describe);

        Map<Path, FileTime> before = snapshot(tmp);
        // With "--": spark-submit options before it, job options after it. (No web UI: another
        // application holding port 4040 would add Spark's port warning to stderr.)
        Script again = Script.run("prepare.sh", JOB_TIMEOUT, "--master", "local[1]", "--conf", "spark.ui.enabled=false",
                "--", "--mnist", mnist, "--out", out.toString());
        assertEquals(2, again.exitCode(), again::describe);
        List<String> errors = again.stderrLines();
        assertEquals(1, errors.size(), () -> "expected one line on stderr:\n" + again.describe());
        assertTrue(errors.get(0).contains(out.toString()), () -> "the error does not name " + out + ": " + errors.get(0));
        assertEquals(before, snapshot(tmp), "the refused run changed the output's directory");
    }

    private static long parquetFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
        }
    }

    /** Every path under {@code dir} with its modification time. */
    private static Map<Path, FileTime> snapshot(Path dir) throws IOException {
        Map<Path, FileTime> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                out.put(dir.relativize(p), Files.getLastModifiedTime(p));
            }
        }
        return out;
    }
}
