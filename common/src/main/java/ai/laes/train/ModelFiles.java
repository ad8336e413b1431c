package ai.laes.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Networks as ModelSerializer zips on any Hadoop file system, written atomically: into a hidden
 * temporary sibling first, then renamed into place (an existing file is deleted just before the
 * rename, as Hadoop's rename does not replace).
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    public static void save(MultiLayerNetwork net, Path path, boolean withUpdater, Configuration conf) {
        FileSystem fs = FileSystems.of(path, conf);
        Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp");
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                ModelSerializer.writeModel(net, out, withUpdater);
            }
            replace(fs, tmp, path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing " + path + ": " + e.getMessage(), e);
        }
    }

    /** Restores a network; {@code role} names the input in error messages (e.g. "--init DIR"). */
    public static MultiLayerNetwork load(Path path, boolean withUpdater, Configuration conf, String role) {
        FileSystem fs = FileSystems.of(path, conf);
        try (InputStream in = fs.open(path)) {
            return ModelSerializer.restoreMultiLayerNetwork(in, withUpdater);
        } catch (java.io.FileNotFoundException e) {
            throw new InputException(role + ": " + path + " not found");
        } catch (IOException | RuntimeException e) {
            throw new InputException(role + ": " + path + " is not a readable DL4J model (" + e.getMessage() + ")", e);
        }
    }

    /** Copies {@code from} to {@code to} atomically. */
    public static void copy(Path from, Path to, Configuration conf) {
        FileSystem fs = FileSystems.of(to, conf);
        Path tmp = new Path(to.getParent(), "." + to.getName() + ".tmp");
        try {
            org.apache.hadoop.fs.FileUtil.copy(FileSystems.of(from, conf), from, fs, tmp, false, true, conf);
            replace(fs, tmp, to);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("copying " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    static void replace(FileSystem fs, Path tmp, Path path) throws IOException {
        if (fs.exists(path)) {
            fs.delete(path, false);
        }
        if (!fs.rename(tmp, path)) {
            throw new IOException("rename " + tmp + " -> " + path + " failed");
        }
    }
}
