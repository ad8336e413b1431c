package ai.laes.io;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * NumPy {@code .npy} files (format version 1.0, little-endian, C order) of float64 or int64,
 * so Python users can {@code numpy.load} what the jobs write.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** An array read back: its shape and its values as doubles (int64 files are widened). */
    public record Array(long[] shape, double[] values) {
        /** Row {@code r} of a 2-D array. */
        public double[] row(int r) {
            int cols = (int) shape[1];
            return Arrays.copyOfRange(values, r * cols, (r + 1) * cols);
        }

        /** The array as rows (2-D) or one row (1-D). */
        public double[][] matrix() {
            if (shape.length == 1) {
                return new double[][] {values.clone()};
            }
            double[][] out = new double[(int) shape[0]][];
            for (int r = 0; r < out.length; r++) {
                out[r] = row(r);
            }
            return out;
        }
    }

    private Npy() {
    }

    /** Writes a float64 matrix, shape (rows, cols). */
    public static void writeMatrix(Path path, Configuration conf, double[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        double[] flat = new double[m.length * cols];
        for (int r = 0; r < m.length; r++) {
            System.arraycopy(m[r], 0, flat, r * cols, cols);
        }
        write(path, conf, "<f8", new long[] {m.length, cols}, toBytes(flat));
    }

    /** Writes a float64 vector, shape (n,). */
    public static void writeVector(Path path, Configuration conf, double[] v) {
        write(path, conf, "<f8", new long[] {v.length}, toBytes(v));
    }

    /** Writes an int64 vector, shape (n,). */
    public static void writeLongs(Path path, Configuration conf, long[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        write(path, conf, "<i8", new long[] {v.length}, b.array());
    }

    private static byte[] toBytes(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    private static void write(Path path, Configuration conf, String descr, long[] shape, byte[] body) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        // Header length (magic 6 + version 2 + len 2 + dict + newline) padded to a multiple of 64.
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(10 + header.length() + body.length);
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xFF);
        out.write(header.length() >>> 8);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        FileSystem fs = FileSystems.of(path, conf);
        try (FSDataOutputStream os = fs.create(path, true)) {
            out.writeTo(os);
        } catch (IOException e) {
            throw FileSystems.unchecked(path.toString(), e);
        }
    }

    /** Reads a float64 or int64 file written by this class or by NumPy. */
    public static Array read(Path path, Configuration conf) {
        FileSystem fs = FileSystems.of(path, conf);
        try (InputStream in = fs.open(path)) {
            return parse(path.toString(), in);
        } catch (java.io.FileNotFoundException e) {
            throw new InputException(path + ": file not found");
        } catch (java.io.EOFException e) {
            throw new InputException(path + ": truncated NumPy file");
        } catch (IOException e) {
            throw new InputException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    static Array parse(String name, InputStream input) throws IOException {
        DataInputStream in = new DataInputStream(input);
        byte[] magic = new byte[6];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new InputException(name + ": not a NumPy .npy file");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        int headerLength = major == 1
                ? in.readUnsignedByte() | in.readUnsignedByte() << 8
                : Integer.reverseBytes(in.readInt());
        byte[] header = new byte[headerLength];
        in.readFully(header);
        String dict = new String(header, StandardCharsets.US_ASCII);
        String descr = find(DESCR, dict, name, "descr");
        if ("True".equals(find(ORDER, dict, name, "fortran_order"))) {
            throw new InputException(name + ": Fortran-ordered arrays are not supported");
        }
        String[] parts = find(SHAPE, dict, name, "shape").split(",");
        long[] shape = Arrays.stream(parts).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (n > Integer.MAX_VALUE / 8) {
            throw new InputException(name + ": NumPy array too large (" + n + " elements)");
        }
        byte[] body = new byte[(int) n * 8];
        in.readFully(body);
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[(int) n];
        switch (descr) {
            case "<f8" -> b.asDoubleBuffer().get(values);
            case "<i8" -> {
                for (int i = 0; i < n; i++) {
                    values[i] = b.getLong();
                }
            }
            default -> throw new InputException(name + ": NumPy dtype " + descr + " is not float64 or int64");
        }
        return new Array(shape, values);
    }

    private static String find(Pattern p, String dict, String name, String key) {
        Matcher m = p.matcher(dict);
        if (!m.find()) {
            throw new InputException(name + ": NumPy header has no '" + key + "'");
        }
        return m.group(1);
    }
}
