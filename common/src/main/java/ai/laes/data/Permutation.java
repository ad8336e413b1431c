package ai.laes.data;

import java.util.Random;

import ai.laes.io.InputException;
import ai.laes.io.Npy;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** The fixed pixel permutation of permuted MNIST, drawn from a seed and stored as {@code permutation.npy}. */
public final class Permutation {
    /** The file name inside a prepared dataset. */
    public static final String FILE = "permutation.npy";

    private Permutation() {
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates), the same for the same seed. */
    public static int[] fromSeed(long seed, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Writes {@code p} as an int64 NumPy vector. */
    public static void write(Path path, Configuration conf, int[] p) {
        long[] v = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = p[i];
        }
        Npy.writeLongs(path, conf, v);
    }

    /** Reads and checks a permutation of 0..n-1. */
    public static int[] read(Path path, Configuration conf, int n) {
        Npy.Array a = Npy.read(path, conf);
        if (a.shape().length != 1 || a.shape()[0] != n) {
            throw new InputException(path + ": expected a permutation of " + n + " indices");
        }
        int[] p = new int[n];
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            double v = a.values()[i];
            if (v < 0 || v >= n || v != Math.rint(v) || seen[(int) v]) {
                throw new InputException(path + ": not a permutation of 0.." + (n - 1) + " (entry " + i + " = " + v + ")");
            }
            seen[(int) v] = true;
            p[i] = (int) v;
        }
        return p;
    }
}
