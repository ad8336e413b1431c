package ai.laes.laes;

import ai.laes.io.InputException;
import java.util.Locale;

/**
 * What the Gram route costs as T, k and the number of sequences N grow (n = T*k, T the longest length), and
 * the precondition that refuses, before any Gram work, data whose G cannot fit the driver. Section "Cost and
 * limits of the Gram route" of docs/laes-math.md has the figures measured on this project's machines.
 *
 * <p><b>Driver memory.</b> Counted from the code, at the peak of {@link Laes#fit} (the second LAPACK call of
 * {@link LaesSolver}): M from the Gram pass (still referenced), G ({@link LaesGram#assemble}), dsyevr's working
 * copy of G and its n x n eigenvector array: {@value #DRIVER_COPIES} arrays of n^2 doubles, plus U_p (n x p).
 * So the Gram route needs 8 (4 n^2 + n p) bytes of driver heap (the O(n) LAPACK workspaces, a few hundred
 * bytes per column, are left out): 19.5 MiB for sMNIST (n = 784, p = 128), 2 GiB for n = 8,192, 32 GiB for
 * n = 32,768. The ND4J solver holds three at a time on the heap (M, G and one copy) and two off it. Each
 * n^2 array must also fit one Java array: n &lt;= {@value #MAX_ORDER}. The check is necessary, not
 * sufficient: the heap also holds Spark's own state and, in local mode, the executors' tasks.
 *
 * <p><b>Executor memory</b> ({@link SequenceGram}): each running Gram task holds its n^2 accumulator off the
 * heap (plus a 512 x n row block), then its partial Gram on the heap, treeAggregate's copy of it and its
 * serialized result: about 8 n^2 bytes off the heap and at least 3 x 8 n^2 bytes on it per task slot.
 *
 * <p><b>Time.</b> The Gram pass pads every sequence to T steps and adds each row by DSYRK: N n (n + 1) flops,
 * whatever the real lengths, so one long sequence makes every short one cost as much; its partial Grams
 * travel as 8 n^2 bytes per partition. Assembling G costs O(n^2). The eigendecomposition is O(n^3) on one
 * driver core: two tridiagonal reductions of 4/3 n^3 flops each (all eigenvalues, then the top p vectors),
 * the back-transformation and the check of the p vectors about 4 n^2 p more. Measured on 10,000 sMNIST
 * sequences, p = 128, CPU seconds on a 2-vCPU AMD EPYC: n = 784, Gram pass 0.18-0.22 s, eigendecomposition
 * and check 0.56-0.74 s; n = 1,568 (k = 2), 0.60-0.67 s and 3.95 s (2.9 Gflop/s: n = 8,192 would take
 * about 9 minutes).
 */
public final class GramLimits {
    /** Arrays of n x n doubles the driver holds at the Gram route's peak (M, G, dsyevr's copy of G, Z). */
    public static final int DRIVER_COPIES = 4;
    /** The largest n with n^2 below the largest Java array length (2^31 - 1 minus a few header words). */
    public static final int MAX_ORDER = 46_340;

    private GramLimits() {
    }

    /** 8 (4 n^2 + n p) with n = T*k: the bytes of the n x n arrays and of U_p the driver holds at once. */
    public static long driverBytes(int maxSteps, int k, int p) {
        long n = (long) maxSteps * k;
        return Double.BYTES * (DRIVER_COPIES * n * n + n * p);
    }

    /**
     * Throws a one-line {@link InputException} unless the Gram route's driver arrays fit: n = T*k at most
     * {@value #MAX_ORDER} and {@link #driverBytes} at most {@code maxHeap} (the driver's
     * Runtime.maxMemory(), a parameter so that tests can pass a small one).
     */
    public static void requireDriverFits(int maxSteps, int k, int p, long maxHeap) {
        long n = (long) maxSteps * k;
        String shape = "T=" + maxSteps + " steps x k=" + k + " features (T*k=" + n + ")";
        String fixes = "crop the sequences to fewer steps, or use fewer features";
        if (n > MAX_ORDER) {
            throw new InputException("sequences: " + shape + " is too long for the Gram route: its " + n + " x " + n
                    + " matrix G has more entries than a Java array can hold (T*k <= " + MAX_ORDER + "); " + fixes);
        }
        long needed = driverBytes(maxSteps, k, p);
        if (needed > maxHeap) {
            throw new InputException("sequences: the Gram route needs " + bytes(needed) + " of driver heap for "
                    + shape + ", p=" + p + ": " + DRIVER_COPIES + " copies of the " + n + " x " + n + " matrix G at "
                    + bytes(Double.BYTES * n * n) + " each, but the driver's max heap is " + bytes(maxHeap)
                    + "; use a larger --driver-memory, " + fixes);
        }
    }

    /** "12345 bytes (12.1 KiB)". */
    static String bytes(long b) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return b + " bytes" + (u < 0 ? "" : String.format(Locale.ROOT, " (%.1f %s)", v, units[u]));
    }
}
