package ai.laes.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Minibatches of sequences grouped by length, so that end-aligned padding (each batch padded to its longest
 * sequence, see the recurrent layers' masks) costs little. For one epoch:
 * <ol>
 *   <li>sort the indices by (length, key), key = mix(seed, epoch, index) ({@link EpochPlan#shuffleKey}): equal
 *       lengths in a fresh order every epoch, so neighbours of equal length regroup;</li>
 *   <li>cut the sorted order into batches of {@code batchSize} (the last one may be smaller): each batch holds
 *       consecutive lengths of the sorted order, so its span is as small as {@code batchSize} neighbours allow;</li>
 *   <li>order the batches by mix(~seed, epoch, batch number), so training does not walk from short to long.</li>
 * </ol>
 * A pure function of (lengths, batchSize, seed, epoch). {@link #random} is plain random batching for comparison
 * (the indices in EpochPlan's order, mix(seed, epoch, index), cut into batches), and {@link #paddedFraction} the
 * share of a plan's padded steps: sum over batches of (size x longest - sum of lengths) over sum of size x longest.
 */
public final class LengthBatches {
    private LengthBatches() {
    }

    /** The length-grouped batches (indices into {@code lengths}) of this epoch, in training order. */
    public static List<int[]> plan(int[] lengths, int batchSize, long seed, int epoch) {
        check(lengths, batchSize);
        long[] key = new long[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            key[i] = EpochPlan.shuffleKey(seed, epoch, i);
        }
        Integer[] order = boxedIndices(lengths.length);
        Arrays.sort(order, Comparator.<Integer>comparingInt(i -> lengths[i]).thenComparingLong(i -> key[i]));
        List<int[]> batches = cut(order, batchSize);
        long[] batchKey = new long[batches.size()];
        for (int j = 0; j < batchKey.length; j++) {
            batchKey[j] = EpochPlan.shuffleKey(~seed, epoch, j);
        }
        Integer[] batchOrder = boxedIndices(batches.size());
        Arrays.sort(batchOrder, Comparator.comparingLong(j -> batchKey[j]));
        List<int[]> shuffled = new ArrayList<>(batches.size());
        for (int j : batchOrder) {
            shuffled.add(batches.get(j));
        }
        return shuffled;
    }

    /** Plain random batching of the same indices: sorted by mix(seed, epoch, index), cut into batches. */
    public static List<int[]> random(int[] lengths, int batchSize, long seed, int epoch) {
        check(lengths, batchSize);
        Integer[] order = boxedIndices(lengths.length);
        Arrays.sort(order, Comparator.comparingLong(i -> EpochPlan.shuffleKey(seed, epoch, i)));
        return cut(order, batchSize);
    }

    /** Padded steps over all steps of the batches, each batch padded to its longest sequence; 0 for no steps. */
    public static double paddedFraction(int[] lengths, List<int[]> batches) {
        long all = 0, real = 0;
        for (int[] batch : batches) {
            int longest = 0;
            for (int i : batch) {
                longest = Math.max(longest, lengths[i]);
                real += lengths[i];
            }
            all += (long) longest * batch.length;
        }
        return all == 0 ? 0.0 : (double) (all - real) / all;
    }

    private static List<int[]> cut(Integer[] order, int batchSize) {
        List<int[]> batches = new ArrayList<>((order.length + batchSize - 1) / batchSize);
        for (int from = 0; from < order.length; from += batchSize) {
            int[] batch = new int[Math.min(batchSize, order.length - from)];
            for (int k = 0; k < batch.length; k++) {
                batch[k] = order[from + k];
            }
            batches.add(batch);
        }
        return batches;
    }

    private static Integer[] boxedIndices(int n) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    private static void check(int[] lengths, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("LengthBatches: batchSize must be positive, got " + batchSize);
        }
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] <= 0) {
                throw new IllegalArgumentException("LengthBatches: sequence " + i + " has length " + lengths[i]
                        + "; every sequence needs at least one step");
            }
        }
    }
}
