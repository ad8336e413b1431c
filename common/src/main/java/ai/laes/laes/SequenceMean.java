package ai.laes.laes;

import ai.laes.spark.Stages;
import ai.laes.io.InputException;
import java.io.Serializable;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global per-feature mean mu over every time step of every sequence (so weighted by length),
 * computed in one distributed pass (treeAggregate) together with T and the total step count.
 * Sequences are flattened time-major: element t*k+f is feature f of step t+1.
 */
public final class SequenceMean {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceMean.class);

    private SequenceMean() {
    }

    /**
     * One pass: mu, T, total steps; throws InputException for empty data, ragged lengths or a
     * non-finite value (naming the first such sequence by its index in the RDD, and its step).
     */
    public static SequenceStats of(JavaRDD<double[]> sequences, int k) {
        requireInputSize(k);
        long start = System.nanoTime();
        Sums sums = Stages.described(sequences.context(), "LAES: mean",
                () -> sequences.mapPartitionsWithIndex((partition, it) -> {
                    Sums s = new Sums(k);
                    long position = 0;
                    while (it.hasNext()) {
                        s.add(partition, position++, it.next());
                    }
                    s.partitionSizes.put(partition, position);
                    return List.of(s).iterator();
                }, false).treeAggregate(new Sums(k), Sums::merge, Sums::merge, 2));
        if (sums.badSequences > 0) {
            throw new InputException("sequences: " + sums.badSequences + " sequence(s) have a length that is"
                    + " not a positive multiple of the input size k=" + k + " (first bad length "
                    + sums.firstBadLength + ")");
        }
        if (sums.nonFiniteSequences > 0) {
            throw new InputException(NonFinite.describe("sequences: sequence " + sums.rddIndex(sums.nonFinitePartition,
                    sums.nonFinitePosition), sums.nonFiniteValue, sums.nonFiniteElement, k)
                    + " (" + sums.nonFiniteSequences + " sequence(s) with NaN or infinite values)");
        }
        if (sums.sequences == 0) {
            throw new InputException("sequences: the data set is empty");
        }
        double[] mu = new double[k];
        for (int f = 0; f < k; f++) {
            mu[f] = sums.featureSum[f] / sums.steps;
        }
        SequenceStats stats = new SequenceStats(mu, sums.maxSteps, sums.steps, sums.sequences);
        LOG.info("LAES mean pass: {} in {} ms", stats, (System.nanoTime() - start) / 1_000_000);
        return stats;
    }

    /** The centred sequence x_t - mu (a new array, same layout). */
    public static double[] center(double[] sequence, double[] mu) {
        int k = mu.length;
        double[] centred = new double[sequence.length];
        for (int i = 0; i < sequence.length; i++) {
            centred[i] = sequence[i] - mu[i % k];
        }
        return centred;
    }

    static void requireInputSize(int k) {
        if (k <= 0) {
            throw new InputException("input size k=" + k + " must be positive");
        }
    }

    /**
     * Partial sums of one pass; bad sequences are counted, not thrown, so the driver can report them.
     * Sequences are counted per partition, so the driver can turn (partition, position) into the
     * index in the RDD of the first sequence with a non-finite value.
     */
    static final class Sums implements Serializable {
        private static final long serialVersionUID = 1L;
        final double[] featureSum;
        /** Sequences per partition index (sparse: one entry per partition this partial sum covers). */
        final TreeMap<Integer, Long> partitionSizes = new TreeMap<>();
        long steps;
        long sequences;
        int maxSteps;
        long badSequences;
        int firstBadLength = -1;
        long nonFiniteSequences;
        int nonFinitePartition = Integer.MAX_VALUE;
        long nonFinitePosition;
        int nonFiniteElement;
        double nonFiniteValue;

        Sums(int k) {
            featureSum = new double[k];
        }

        /** Adds sequence {@code position} of {@code partition}. */
        Sums add(int partition, long position, double[] seq) {
            int k = featureSum.length;
            if (seq == null || seq.length == 0 || seq.length % k != 0) {
                if (badSequences++ == 0) {
                    firstBadLength = seq == null ? -1 : seq.length;
                }
                return this;
            }
            double total = 0;
            for (int i = 0; i < seq.length; i++) {
                featureSum[i % k] += seq[i];
                total += seq[i];
            }
            // A sum of finite values is finite unless it overflows, so only a non-finite total needs the scan.
            int bad = Double.isFinite(total) ? -1 : NonFinite.firstIndex(seq);
            if (bad >= 0 && nonFiniteSequences++ == 0) {
                nonFinitePartition = partition;
                nonFinitePosition = position;
                nonFiniteElement = bad;
                nonFiniteValue = seq[bad];
            }
            int n = seq.length / k;
            steps += n;
            sequences++;
            maxSteps = Math.max(maxSteps, n);
            return this;
        }

        Sums merge(Sums other) {
            for (int f = 0; f < featureSum.length; f++) {
                featureSum[f] += other.featureSum[f];
            }
            other.partitionSizes.forEach((p, n) -> partitionSizes.merge(p, n, Long::sum));
            steps += other.steps;
            sequences += other.sequences;
            maxSteps = Math.max(maxSteps, other.maxSteps);
            if (badSequences == 0 && other.badSequences > 0) {
                firstBadLength = other.firstBadLength;
            }
            badSequences += other.badSequences;
            if (other.nonFiniteSequences > 0 && (other.nonFinitePartition < nonFinitePartition
                    || other.nonFinitePartition == nonFinitePartition && other.nonFinitePosition < nonFinitePosition)) {
                nonFinitePartition = other.nonFinitePartition;
                nonFinitePosition = other.nonFinitePosition;
                nonFiniteElement = other.nonFiniteElement;
                nonFiniteValue = other.nonFiniteValue;
            }
            nonFiniteSequences += other.nonFiniteSequences;
            return this;
        }

        /** The index in the RDD of the sequence at {@code position} of {@code partition}. */
        long rddIndex(int partition, long position) {
            return position + partitionSizes.headMap(partition).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
