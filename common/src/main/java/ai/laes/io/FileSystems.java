package ai.laes.io;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Resolves a user-given location (a plain path, file://, hdfs://, ...) to a qualified Hadoop path,
 * and the file system that serves it. The local file system is told not to write checksum files:
 * Hadoop's LocalFileSystem otherwise puts a hidden {@code .NAME.crc} beside every file written
 * ({@code ._SUCCESS.crc}, {@code .run.json.crc}, ...). HDFS keeps its own block checksums, untouched.
 */
public final class FileSystems {
    private FileSystems() {
    }

    /**
     * The file system that serves {@code path}. Hadoop caches one instance per scheme, authority and
     * user, which Spark's writers in the same JVM share (the driver, and the executors of a local
     * master), so the first call for a local path keeps every later local write of the job free of
     * {@code .crc} files. (A cluster executor's own instance still writes them.) Reads still verify
     * any checksum file that exists.
     */
    public static FileSystem of(Path path, Configuration conf) {
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (fs instanceof LocalFileSystem local) {
                local.setWriteChecksum(false);
            }
            return fs;
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
