package ai.laes.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.laes.data.MnistImages;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
    private final Configuration conf = new Configuration();
    @TempDir
    Path tmp;

    private static org.apache.hadoop.fs.Path hpath(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }

    @Test
    void readsRealMnistWithTheLabelCountsOfSourceMd() {
        MnistImages train = MnistImages.read(hpath(TestData.mnistDir()), "train", conf);
        MnistImages test = MnistImages.read(hpath(TestData.mnistDir()), "t10k", conf);
        assertEquals(60000, train.count());
        assertEquals(10000, test.count());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts(train));
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts(test));
        // The first training image is a 5 and has ink in its centre row.
        assertEquals(5, train.label(0));
        int ink = 0;
        for (int x = 0; x < 28; x++) {
            ink += train.pixels(0)[14 * 28 + x] & 0xFF;
        }
        assertTrue(ink > 0);
    }

    private static int[] counts(MnistImages m) {
        int[] c = new int[10];
        for (int i = 0; i < m.count(); i++) {
            c[m.label(i)]++;
        }
        return c;
    }

    private String failure(Path file, int rank) {
        InputException e = assertThrows(InputException.class, () -> IdxFile.read(hpath(file), conf, rank));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void truncatedGzipIsReportedAsTruncated() throws IOException {
        Path f = tmp.resolve("t10k-labels-idx1-ubyte.gz");
        Files.copy(TestData.mnistDir().resolve("t10k-labels-idx1-ubyte.gz"), f);
        IdxFixtures.truncate(f, 2000);
        assertTrue(failure(f, 1).contains("truncated"));
    }

    @Test
    void corruptGzipIsReported() throws IOException {
        Path f = tmp.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] gz = Files.readAllBytes(TestData.mnistDir().resolve("t10k-labels-idx1-ubyte.gz"));
        for (int i = 1000; i < 1040; i++) {
            gz[i] ^= 0x5A;
        }
        Files.write(f, gz);
        assertTrue(failure(f, 1).contains("corrupt gzip"));
    }

    @Test
    void wrongMagicWrongTypeWrongRank() throws IOException {
        Path magic = tmp.resolve("magic.idx");
        byte[] b = IdxFixtures.labels(3);
        b[0] = 7;
        Files.write(magic, b);
        assertTrue(failure(magic, 1).contains("bad magic"));

        Path type = tmp.resolve("type.idx");
        Files.write(type, IdxFixtures.idx(0x0D, new int[] {3}, 12));
        assertTrue(failure(type, 1).contains("element type"));

        Path rank = tmp.resolve("rank.idx");
        Files.write(rank, IdxFixtures.labels(3));
        assertTrue(failure(rank, 3).contains("dimensions"));
    }

    @Test
    void lengthMustMatchTheHeader() throws IOException {
        Path longer = tmp.resolve("longer.idx");
        byte[] ok = IdxFixtures.labels(3);
        byte[] extra = java.util.Arrays.copyOf(ok, ok.length + 1);
        Files.write(longer, extra);
        assertTrue(failure(longer, 1).contains("longer than its header"));

        Path shorter = tmp.resolve("shorter.idx");
        Files.write(shorter, java.util.Arrays.copyOf(ok, ok.length - 1));
        assertTrue(failure(shorter, 1).contains("truncated"));

        Path huge = tmp.resolve("huge.idx");
        Files.write(huge, IdxFixtures.idx(IdxFile.UNSIGNED_BYTE, new int[] {60000, 60000, 28}, 0));
        assertTrue(failure(huge, 3).contains("impossible size"));

        Path negative = tmp.resolve("negative.idx");
        Files.write(negative, IdxFixtures.idx(IdxFile.UNSIGNED_BYTE, new int[] {-4}, 0));
        assertTrue(failure(negative, 1).contains("must be positive"));
    }

    @Test
    void missingFileIsReported() {
        assertTrue(failure(tmp.resolve("absent-idx1-ubyte.gz"), 1).contains("not found"));
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        IdxFixtures.writePair(tmp, "train", IdxFixtures.images(4), IdxFixtures.labels(3));
        InputException e = assertThrows(InputException.class, () -> MnistImages.read(hpath(tmp), "train", conf));
        assertTrue(e.getMessage().contains("3 labels for 4 images"), e.getMessage());
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte.gz"), e.getMessage());
    }

    @Test
    void imagesMustBe28By28AndLabelsDigits() throws IOException {
        IdxFixtures.writePair(tmp, "a", IdxFixtures.idx(IdxFile.UNSIGNED_BYTE, new int[] {2, 27, 28}, 2 * 27 * 28),
                IdxFixtures.labels(2));
        assertTrue(assertThrows(InputException.class, () -> MnistImages.read(hpath(tmp), "a", conf))
                .getMessage().contains("27 x 28"));
        byte[] labels = IdxFixtures.labels(2);
        labels[labels.length - 1] = 12;
        IdxFixtures.writePair(tmp, "b", IdxFixtures.images(2), labels);
        assertTrue(assertThrows(InputException.class, () -> MnistImages.read(hpath(tmp), "b", conf))
                .getMessage().contains("not a digit"));
    }
}
