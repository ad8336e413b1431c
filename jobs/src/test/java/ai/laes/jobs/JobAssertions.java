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
public final class JobAssertions {
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

    /** {@code args} with the value of {@code option} replaced by {@code value}. */
    static String[] withOption(String[] args, String option, Object value) {
        List<String> a = new java.util.ArrayList<>(List.of(args));
        a.set(a.indexOf(option) + 1, String.valueOf(value));
        return a.toArray(new String[0]);
    }

    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Asserts that no Hadoop checksum file ({@code .NAME.crc}) lies anywhere under the local directory {@code dir}. */
    public static void assertNoChecksumFiles(Path dir) throws IOException {
        assertTrue(Files.isDirectory(dir), dir + " is not a directory");
        try (Stream<Path> all = Files.walk(dir)) {
            List<String> crc = all.map(p -> dir.relativize(p).toString()).filter(p -> p.endsWith(".crc")).sorted().toList();
            assertEquals(List.of(), crc, "checksum files under " + dir);
        }
    }

    /** Text outputs scanned by {@link #assertNoMachineDetails}. */
    private static final List<String> TEXT = List.of(".json", ".jsonl", ".csv", ".html", ".conf");

    /**
     * Asserts that no text output under {@code root} (any Hadoop FileSystem) mentions the machine it
     * was made on: the build checkout (user.dir), java.home, user.home, the user name, the JavaCPP
     * cache, the Maven repository, the host name, or any path-valued environment variable. The paths
     * the user passed ({@code userPaths}, e.g. --data and --out) are the user's choice and are
     * removed before the scan: run.json keeps the options as given.
     */
    static void assertNoMachineDetails(org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path root, List<String> userPaths)
            throws IOException {
        assertNoMachineDetails(fs, root, userPaths, java.util.Map.of());
    }

    /** {@link #assertNoMachineDetails} that also looks for each of {@code more} (what it is to a pattern). */
    private static void assertNoMachineDetails(org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path root,
            List<String> userPaths, java.util.Map<String, java.util.regex.Pattern> more) throws IOException {
        java.util.Map<String, String> secrets = new java.util.LinkedHashMap<>();
        for (String key : List.of("user.dir", "java.home", "user.home", "org.bytedeco.javacpp.cachedir", "maven.repo.local",
                "laes.root")) {
            String v = System.getProperty(key);
            if (v != null && v.length() > 1) {
                secrets.put(key, v);
            }
        }
        System.getenv().forEach((k, v) -> {
            if (v.startsWith("/") && v.length() > 1 && !v.contains(":") && !v.equals("/tmp")) {
                secrets.put("$" + k, v);
            }
        });
        String host = java.net.InetAddress.getLocalHost().getHostName();
        java.util.Map<String, java.util.regex.Pattern> words = new java.util.LinkedHashMap<>();
        words.put("user.name", java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(System.getProperty("user.name")) + "\\b"));
        if (!host.equals("localhost")) {
            words.put("host name", java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(host) + "\\b"));
        }
        words.putAll(more);
        int scanned = 0;
        org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files = fs.listFiles(root, true);
        while (files.hasNext()) {
            org.apache.hadoop.fs.Path file = files.next().getPath();
            if (TEXT.stream().noneMatch(file.getName()::endsWith)) {
                continue;
            }
            String text;
            try (java.io.InputStream in = fs.open(file)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String given : userPaths) {
                text = text.replace(given, "<user path>");
            }
            scanned++;
            for (var e : secrets.entrySet()) {
                assertTrue(!text.contains(e.getValue()), file + " mentions " + e.getKey() + " (" + e.getValue() + ")");
            }
            for (var e : words.entrySet()) {
                assertTrue(!e.getValue().matcher(text).find(), file + " mentions the " + e.getKey() + " (" + e.getValue() + ")");
            }
        }
        assertTrue(scanned > 0, "no text output under " + root);
    }

    /**
     * An absolute path into a machine's home or working folders ({@code /work/}, {@code /root/}, {@code /home/},
     * {@code /tmp/}, ...), also after {@code file:}, but not the path part of a web address.
     */
    static final java.util.regex.Pattern MACHINE_FOLDER =
            java.util.regex.Pattern.compile("(?<![\\w.~/-])/(?:work|root|home|tmp|Users|mnt|private|var/folders)/");

    /**
     * {@link #assertNoMachineDetails} for files committed to the repository (e.g. submit/results), which no user
     * chose: also no absolute path into a machine's folders ({@link #MACHINE_FOLDER}) and no mention of the checkout.
     */
    static void assertNoMachinePaths(Path root) throws IOException {
        java.util.Map<String, java.util.regex.Pattern> more = new java.util.LinkedHashMap<>();
        more.put("absolute path of a machine's folder", MACHINE_FOLDER);
        Path checkout = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        more.put("checkout", java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(checkout.toString())));
        org.apache.hadoop.fs.Path r = new org.apache.hadoop.fs.Path(root.toUri());
        assertNoMachineDetails(r.getFileSystem(new org.apache.hadoop.conf.Configuration()), r, List.of(), more);
    }

    /** {@link #assertNoMachineDetails} for a local output directory given by the user as {@code userPaths}. */
    static void assertNoMachineDetails(Path root, String... userPaths) throws IOException {
        org.apache.hadoop.fs.Path r = new org.apache.hadoop.fs.Path(root.toUri());
        assertNoMachineDetails(r.getFileSystem(new org.apache.hadoop.conf.Configuration()), r, List.of(userPaths));
    }
}
