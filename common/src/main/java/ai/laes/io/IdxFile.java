package ai.laes.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;

/**
 * An IDX file (the MNIST format), raw or gzipped, read whole from any Hadoop FileSystem and
 * validated: magic number, element type, number and size of dimensions, and exact length.
 *
 * <p>Format: two zero bytes, a type byte (0x08 = unsigned byte), a byte with the number of
 * dimensions, one big-endian int per dimension, then the elements in row-major order.
 */
public final class IdxFile {
    /** Type code of unsigned bytes, the only element type MNIST uses. */
    public static final int UNSIGNED_BYTE = 0x08;
    /** A ceiling on elements per file, far above MNIST, against absurd headers. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 64;

    private final String name;
    private final int[] dims;
    private final byte[] data;

    private IdxFile(String name, int[] dims, byte[] data) {
        this.name = name;
        this.dims = dims;
        this.data = data;
    }

    /** The file's name, for messages. */
    public String name() {
        return name;
    }

    /** The dimensions from the header, e.g. {60000, 28, 28}. */
    public int[] dims() {
        return dims.clone();
    }

    /** The elements as unsigned bytes stored in Java bytes (use {@code b & 0xFF}). */
    public byte[] data() {
        return data;
    }

    /**
     * Reads and validates {@code path}, which must hold unsigned bytes in {@code expectedRank}
     * dimensions. A {@code .gz} suffix means gzip.
     */
    public static IdxFile read(Path path, Configuration conf, int expectedRank) {
        FileSystem fs = FileSystems.of(path, conf);
        try (InputStream raw = fs.open(path)) {
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            if (path.getName().endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            return parse(path.toString(), in, expectedRank);
        } catch (FileNotFoundException e) {
            throw new InputException(path + ": file not found");
        } catch (AccessControlException e) {
            throw new InputException(path + ": permission denied");
        } catch (ZipException e) {
            throw new InputException(path + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (EOFException e) {
            throw new InputException(path + ": truncated (the file ends before the data its header announces)");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Permission denied")) {
                throw new InputException(path + ": permission denied");
            }
            throw new InputException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    static IdxFile parse(String name, InputStream in, int expectedRank) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int zero0 = data.readUnsignedByte();
        int zero1 = data.readUnsignedByte();
        int type = data.readUnsignedByte();
        int rank = data.readUnsignedByte();
        if (zero0 != 0 || zero1 != 0) {
            throw new InputException(name + ": not an IDX file (bad magic number 0x"
                    + Integer.toHexString((zero0 << 24) | (zero1 << 16) | (type << 8) | rank) + ")");
        }
        if (type != UNSIGNED_BYTE) {
            throw new InputException(name + ": IDX element type 0x" + Integer.toHexString(type)
                    + " is not unsigned byte (0x08)");
        }
        if (rank != expectedRank) {
            throw new InputException(name + ": IDX has " + rank + " dimensions, expected " + expectedRank);
        }
        int[] dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = data.readInt();
            if (dims[i] <= 0) {
                throw new InputException(name + ": IDX dimension " + i + " is " + dims[i] + ", must be positive");
            }
            elements *= dims[i];
            if (elements > MAX_ELEMENTS) {
                throw new InputException(name + ": IDX header announces an impossible size (over "
                        + MAX_ELEMENTS + " elements)");
            }
        }
        byte[] bytes = new byte[(int) elements];
        data.readFully(bytes);
        if (data.read() != -1) {
            throw new InputException(name + ": longer than its header announces (trailing data after "
                    + elements + " elements)");
        }
        return new IdxFile(name, dims, bytes);
    }
}
