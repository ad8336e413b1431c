package ai.laes.io;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Resolves a user-given location (a plain path, file://, hdfs://, ...) to a qualified Hadoop path. */
public final class FileSystems {
    private FileSystems() {
    }

    /** The file system that serves {@code path}. */
    public static FileSystem of(Path path, Configuration conf) {
        try {
            return path.getFileSystem(conf);
        } catch (IOException e) {
            throw new InputException(path + ": no file system for this location (" + e.getMessage() + ")", e);
        }
    }

    /** {@code location} made absolute and qualified with its scheme, so executors resolve it alike. */
    public static Path qualified(String location, Configuration conf) {
        Path path = new Path(location);
        FileSystem fs = of(path, conf);
        return fs.makeQualified(path);
    }

    /** True if {@code path} exists; an I/O failure is reported as an input error naming the path. */
    public static boolean exists(Path path, Configuration conf) {
        try {
            return of(path, conf).exists(path);
        } catch (IOException e) {
            throw new InputException(path + ": cannot be accessed (" + e.getMessage() + ")", e);
        }
    }

    static UncheckedIOException unchecked(String what, IOException e) {
        return new UncheckedIOException(what + ": " + e.getMessage(), e);
    }
}
