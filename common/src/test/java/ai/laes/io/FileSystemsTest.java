package ai.laes.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local writes leave no Hadoop checksum files, for our code and for whoever shares the cached file system. */
class FileSystemsTest {
    @TempDir
    java.nio.file.Path tmp;

    private static void write(FileSystem fs, Path path) throws IOException {
        try (OutputStream out = fs.create(path, true)) {
            out.write(new byte[] {1, 2, 3});
        }
    }

    private Path local(String name) {
        return new Path(tmp.resolve(name).toUri());
    }

    @Test
    void localWritesLeaveNoCrcFilesWhereHadoopsDefaultWould() throws IOException {
        Configuration conf = new Configuration();
        // Hadoop's own default, on an instance of its own: a hidden .NAME.crc beside the file.
        try (LocalFileSystem plain = new LocalFileSystem()) {
            plain.initialize(URI.create("file:///"), conf);
            write(plain, local("plain.bin"));
        }
        assertTrue(Files.exists(tmp.resolve(".plain.bin.crc")));

        write(FileSystems.of(local("ours.bin"), conf), local("ours.bin"));
        assertFalse(Files.exists(tmp.resolve(".ours.bin.crc")));
        // What Spark's writers get from Hadoop's cache afterwards is the same instance.
        write(local("spark.bin").getFileSystem(new Configuration()), local("spark.bin"));
        assertTrue(Files.exists(tmp.resolve("spark.bin")));
        assertFalse(Files.exists(tmp.resolve(".spark.bin.crc")));
    }
}
