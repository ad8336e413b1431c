package ai.laes.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit/get-mnist.sh --find}, the MNIST resolution the scripts and {@link TestData} share,
 * run in a scratch checkout (a copy of the script) with the real files linked where each case
 * needs them: {@code LAES_MNIST_DIR}, then {@code data/mnist}, then {@code ../shared/data/mnist};
 * a fetch that cannot work says in one line how to provide the files by hand.
 */
class MnistLocationTest {
    private static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    /** What the script needs besides bash builtins, with neither npm nor curl. */
    private static final List<String> TOOLS = List.of("dirname", "sha256sum", "md5sum", "cut", "awk", "mkdir", "mktemp",
            "rm", "flock", "mv");

    @TempDir
    Path tmp;
    Path checkout;

    record Run(int code, String stdout, List<String> stderr) {
    }

    @BeforeEach
    void scratchCheckout() throws IOException {
        checkout = tmp.resolve("checkout");
        Files.createDirectories(checkout.resolve("submit"));
        Files.copy(TestData.root().resolve("submit/get-mnist.sh"), checkout.resolve("submit/get-mnist.sh"));
    }

    /** {@code dir} holding links to the four real files. */
    private static Path mnistIn(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : FILES) {
            Files.createSymbolicLink(dir.resolve(f), TestData.mnistDir().resolve(f));
        }
        return dir.toRealPath();
    }

    private Run find(Map<String, String> env) throws IOException, InterruptedException {
        Path err = tmp.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", checkout.resolve("submit/get-mnist.sh").toString(), "--find")
                .redirectError(err.toFile());
        pb.environment().remove("LAES_MNIST_DIR");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code = p.waitFor();
        return new Run(code, out, Files.readAllLines(err));
    }

    @Test
    void explicitSettingThenTheCheckoutThenSharedBesideIt() throws Exception {
        Path shared = mnistIn(tmp.resolve("shared/data/mnist"));
        Run run = find(Map.of());
        assertEquals(0, run.code(), run::toString);
        assertEquals(shared.toString(), run.stdout());

        Path local = mnistIn(checkout.resolve("data/mnist"));
        run = find(Map.of());
        assertEquals(local.toString(), run.stdout(), run::toString);

        Path mine = mnistIn(tmp.resolve("mine"));
        run = find(Map.of("LAES_MNIST_DIR", mine.toString()));
        assertEquals(mine.toString(), run.stdout(), run::toString);

        // An explicit setting without the files is an error naming it; nothing is fetched into it.
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        run = find(Map.of("LAES_MNIST_DIR", empty.toString()));
        assertEquals(1, run.code(), run::toString);
        assertEquals(1, run.stderr().size(), run::toString);
        assertTrue(run.stderr().get(0).contains("LAES_MNIST_DIR=" + empty), run::toString);
        assertEquals("", run.stdout());
        try (Stream<Path> s = Files.list(empty)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void aFailedFetchSaysInOneLineHowToProvideTheFilesByHand() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : TOOLS) {
            Path real = Stream.of("/usr/bin/", "/bin/").map(d -> Paths.get(d + tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow(() -> new AssertionError(tool + " not found"));
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        Run run = find(Map.of("PATH", bin.toString()));
        assertEquals(1, run.code(), run::toString);
        assertEquals(1, run.stderr().size(), run::toString);
        String line = run.stderr().get(0);
        Path target = checkout.toRealPath().resolve("data/mnist");
        for (String fragment : List.of("neither npm nor curl", "by hand", FILES.get(0), target.toString(), "LAES_MNIST_DIR")) {
            assertTrue(line.contains(fragment), () -> "'" + fragment + "' in: " + line);
        }
        try (Stream<Path> s = Files.list(target)) {
            assertFalse(s.anyMatch(f -> f.toString().endsWith(".gz")), "nothing half-fetched in " + target);
        }
    }

    @Test
    void aCorruptFileInTheCheckoutIsRefusedAndKept() throws Exception {
        Path local = mnistIn(checkout.resolve("data/mnist"));
        Path labels = local.resolve(FILES.get(3));
        byte[] bytes = Files.readAllBytes(labels);
        bytes[bytes.length / 2] ^= 1;
        Files.delete(labels);
        Files.write(labels, bytes);
        Run run = find(Map.of());
        assertEquals(1, run.code(), run::toString);
        assertTrue(run.stderr().get(run.stderr().size() - 1).contains(labels + " has SHA-256"), run::toString);
        assertTrue(Files.exists(labels), "the corrupt file is left for the user to look at");
    }
}
