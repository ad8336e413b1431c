package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Runs a job in-process and checks the bad-input contract: exit code, one line naming the input, no output left. */
final class JobAssertions {
    private JobAssertions() {
    }

    /** The exit code and what the job printed on stderr. */
    record Outcome(int code, String stderr) {
    }

    static Outcome capture(Supplier<Integer> job) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = job.get();
            return new Outcome(code, err.toString(StandardCharsets.UTF_8).trim());
        } finally {
            System.setErr(old);
        }
    }

    /** Asserts a usage/input error (exit 2) whose single line contains every fragment, and an unchanged {@code parent}. */
    static void assertInputError(Outcome outcome, Path parent, List<String> before, String... fragments) throws IOException {
        assertEquals(JobLauncher.USAGE_ERROR, outcome.code(), outcome.stderr());
        assertEquals(1, outcome.stderr().lines().count(), "exactly one line: " + outcome.stderr());
        for (String f : fragments) {
            assertTrue(outcome.stderr().contains(f), "'" + f + "' in: " + outcome.stderr());
        }
        assertEquals(before, listing(parent), "no output left behind");
    }

    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
