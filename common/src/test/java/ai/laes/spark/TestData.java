package ai.laes.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the tests find real MNIST: {@code ../shared/data/mnist} beside the checkout. */
public final class TestData {
    private TestData() {
    }

    /** The directory holding the four original gzipped MNIST IDX files. */
    public static Path mnistDir() {
        String configured = System.getProperty("laes.mnist.dir");
        Path dir = configured != null ? Paths.get(configured)
                : Paths.get(System.getProperty("laes.root", ".."), "..", "shared", "data", "mnist");
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))) {
            throw new IllegalStateException("real MNIST not found in " + dir + " (expected ../shared/data/mnist)");
        }
        return dir;
    }
}
