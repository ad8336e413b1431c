package ai.laes.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    private final Configuration conf = new Configuration();
    @TempDir
    Path tmp;

    @Test
    void matrixRoundTripsWithAnAlignedHeader() throws Exception {
        double[][] m = {{1.5, -2, Math.PI}, {4, 5e-300, Double.MAX_VALUE}};
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(tmp.resolve("m.npy").toUri());
        Npy.writeMatrix(p, conf, m);
        byte[] bytes = Files.readAllBytes(tmp.resolve("m.npy"));
        int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        assertEquals(0, (10 + headerLength) % 64, "NumPy requires the data to start 64-byte aligned");
        assertEquals(10 + headerLength + 6 * 8, bytes.length);
        Npy.Array back = Npy.read(p, conf);
        assertArrayEquals(new long[] {2, 3}, back.shape());
        assertArrayEquals(m[0], back.matrix()[0]);
        assertArrayEquals(m[1], back.matrix()[1]);
    }

    @Test
    void longsRoundTripAndBadFilesAreRejected() throws Exception {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(tmp.resolve("v.npy").toUri());
        Npy.writeLongs(p, conf, new long[] {3, 1, 2});
        assertArrayEquals(new double[] {3, 1, 2}, Npy.read(p, conf).values());
        Files.write(tmp.resolve("bad.npy"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        InputException e = assertThrows(InputException.class,
                () -> Npy.read(new org.apache.hadoop.fs.Path(tmp.resolve("bad.npy").toUri()), conf));
        assertTrue(e.getMessage().contains("not a NumPy"));
        byte[] good = Files.readAllBytes(tmp.resolve("v.npy"));
        Files.write(tmp.resolve("cut.npy"), java.util.Arrays.copyOf(good, good.length - 3));
        assertTrue(assertThrows(InputException.class,
                () -> Npy.read(new org.apache.hadoop.fs.Path(tmp.resolve("cut.npy").toUri()), conf))
                .getMessage().contains("truncated"));
    }
}
