package ai.laes.io;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Small generated IDX files, good and bad, for tests of every reader of MNIST. */
public final class IdxFixtures {
    private IdxFixtures() {
    }

    /** IDX bytes with the given magic bytes, dimensions and {@code elements} bytes of data. */
    public static byte[] idx(int type, int[] dims, int elements) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(0);
            out.writeByte(0);
            out.writeByte(type);
            out.writeByte(dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            for (int i = 0; i < elements; i++) {
                out.writeByte(i % 10);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Valid images: {@code n} x 28 x 28. */
    public static byte[] images(int n) {
        return idx(IdxFile.UNSIGNED_BYTE, new int[] {n, 28, 28}, n * 784);
    }

    /** Valid labels: {@code n} digits. */
    public static byte[] labels(int n) {
        return idx(IdxFile.UNSIGNED_BYTE, new int[] {n}, n);
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes a gzipped MNIST-named pair into {@code dir}: {@code prefix}-images/labels. */
    public static void writePair(Path dir, String prefix, byte[] images, byte[] labels) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), gzip(images));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), gzip(labels));
    }

    /** Copies the four real files of {@code mnist} into {@code dir}. */
    public static void copyMnist(Path mnist, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(mnist.resolve(f), dir.resolve(f));
        }
    }

    /** Replaces {@code file} by its first {@code keep} bytes. */
    public static void truncate(Path file, int keep) throws IOException {
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, keep));
    }
}
