package ai.laes.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import ai.laes.data.SequenceExample;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * One epoch's order and schedule. Every image gets the key mix(seed, epoch, index), a pure
 * function, so the order is a fresh shuffle per epoch that does not depend on partitioning or on
 * a resumed driver. Position p in the sorted order goes to minibatch p / batchSize; minibatch j
 * to averaging round j / (workers * frequency), and within the round to worker slot
 * (j mod (workers * frequency)) / frequency. The minibatches are laid out so that Spark partition
 * round * workers + slot holds exactly that worker's minibatches of that round, in order: a round
 * is then a pruned view of {@code workers} partitions, with no shuffle per round.
 * <p>
 * Sequences of different lengths ({@link #byLength}) are grouped by length as {@link LengthBatches} does, so that the
 * end-aligned padding of a minibatch costs little: sorted by (length, key), cut into minibatches, and the minibatches
 * put in the order of mix(~seed, epoch, minibatch), a short last minibatch kept last (the trainer's workers merge a
 * short minibatch with the next one of their partition).
 */
public final class EpochPlan {
    private final JavaRDD<List<SequenceExample>> minibatches;
    private final int workers;
    private final int rounds;
    private final long examples;
    private final long batches;
    private final int frequency;

    private EpochPlan(JavaRDD<List<SequenceExample>> minibatches, int workers, int frequency, int rounds, long examples,
                      long batches) {
        this.minibatches = minibatches;
        this.workers = workers;
        this.frequency = frequency;
        this.rounds = rounds;
        this.examples = examples;
        this.batches = batches;
    }

    /** Shuffles {@code examples} ({@code count} of them) for {@code epoch} and lays the minibatches out by round. */
    public static EpochPlan of(JavaRDD<? extends SequenceExample> examples, long count, long seed, int epoch,
                               int batchSize, int workers, int frequency) {
        JavaPairRDD<Long, SequenceExample> ordered = examples
                .mapToPair(im -> new Tuple2<Long, SequenceExample>(shuffleKey(seed, epoch, im.key()), im))
                .sortByKey(true, Math.max(1, examples.getNumPartitions()));
        JavaPairRDD<Long, SequenceExample> positioned = ordered.values().zipWithIndex()
                .mapToPair(Tuple2::swap);
        return laidOut(positioned, count, batchSize, workers, frequency);
    }

    /**
     * Like {@link #of}, the minibatches grouped by length: each holds neighbours of the order by (length as
     * {@code batches} crops it, mix(seed, epoch, key)), and the minibatches are trained in the order of
     * mix(~seed, epoch, minibatch), the short last one (if any) last.
     */
    public static EpochPlan byLength(JavaRDD<? extends SequenceExample> examples, long count, Batches batches, long seed,
                                     int epoch, int batchSize, int workers, int frequency) {
        int[] rank = batchRanks(count, batchSize, seed, epoch);
        java.util.Comparator<Tuple2<Integer, Long>> byLengthThenKey = (java.util.Comparator<Tuple2<Integer, Long>> & java.io.Serializable)
                (a, b) -> a._1().equals(b._1()) ? Long.compare(a._2(), b._2()) : Integer.compare(a._1(), b._1());
        JavaPairRDD<Tuple2<Integer, Long>, SequenceExample> ordered = examples
                .mapToPair(e -> new Tuple2<Tuple2<Integer, Long>, SequenceExample>(
                        new Tuple2<>(batches.length(e), shuffleKey(seed, epoch, e.key())), e))
                .sortByKey(byLengthThenKey, true, Math.max(1, examples.getNumPartitions()));
        JavaPairRDD<Long, SequenceExample> positioned = ordered.values().zipWithIndex()
                .mapToPair(t -> new Tuple2<>(rank[(int) (t._2() / batchSize)] * (long) batchSize + t._2() % batchSize, t._1()));
        return laidOut(positioned, count, batchSize, workers, frequency);
    }

    /**
     * Where each of the {@code ceil(count / batchSize)} minibatches of the length order is trained: minibatch j at
     * rank[j], the full ones ordered by mix(~seed, epoch, j), a short last one (count not a multiple) last.
     */
    static int[] batchRanks(long count, int batchSize, long seed, int epoch) {
        int n = (int) ((count + batchSize - 1) / batchSize);
        int full = (int) (count / batchSize);
        Integer[] order = new Integer[full];
        for (int j = 0; j < full; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(j -> shuffleKey(~seed, epoch, j)));
        int[] rank = new int[n];
        for (int r = 0; r < full; r++) {
            rank[order[r]] = r;
        }
        if (n > full) {
            rank[full] = full;
        }
        return rank;
    }

    /** Lays the examples at their positions (position / batchSize = minibatch) out by round, cached. */
    private static EpochPlan laidOut(JavaPairRDD<Long, SequenceExample> positioned, long count, int batchSize, int workers,
                                     int frequency) {
        long batches = (count + batchSize - 1) / batchSize;
        int rounds = (int) ((batches + (long) workers * frequency - 1) / ((long) workers * frequency));
        JavaRDD<List<SequenceExample>> minibatches = positioned
                .repartitionAndSortWithinPartitions(new RoundPartitioner(batchSize, workers, frequency, rounds))
                .mapPartitions(groupByMinibatch(batchSize))
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new EpochPlan(minibatches, workers, frequency, rounds, count, batches);
    }

    private static org.apache.spark.api.java.function.FlatMapFunction<Iterator<Tuple2<Long, SequenceExample>>, List<SequenceExample>>
            groupByMinibatch(int batchSize) {
        return it -> {
            List<List<SequenceExample>> out = new ArrayList<>();
            long current = -1;
            List<SequenceExample> batch = null;
            while (it.hasNext()) {
                Tuple2<Long, SequenceExample> e = it.next();
                long j = e._1() / batchSize;
                if (j != current) {
                    batch = new ArrayList<>(batchSize);
                    out.add(batch);
                    current = j;
                }
                batch.add(e._2());
            }
            return out.iterator();
        };
    }

    /** SplitMix64 of (seed, epoch, index): a well-mixed 64-bit key. */
    public static long shuffleKey(long seed, int epoch, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + index * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public int rounds() {
        return rounds;
    }

    public long examples() {
        return examples;
    }

    /** How many minibatches round {@code r} holds: workers * frequency, fewer in the last round. */
    public int minibatches(int r) {
        long perRound = (long) workers * frequency;
        return (int) Math.max(0, Math.min(perRound, batches - r * perRound));
    }

    /** Round {@code r}'s minibatches: {@code workers} partitions, one per worker slot. */
    public JavaRDD<List<SequenceExample>> round(int r) {
        int from = r * workers;
        int to = from + workers;
        PartitionPruningRDD<List<SequenceExample>> pruned = PartitionPruningRDD.create(minibatches.rdd(),
                new PartitionRange(from, to));
        return new JavaRDD<>(pruned, ClassTag$.MODULE$.apply(List.class));
    }

    /** The first minibatch of the epoch (for the gradient probe). */
    public List<SequenceExample> firstMinibatch() {
        return round(0).first();
    }

    /** Drops the cached minibatches. */
    public void release() {
        minibatches.unpersist(false);
    }

    /** Position p -> partition round * workers + slot. */
    static final class RoundPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int batchSize;
        private final int workers;
        private final int frequency;
        private final int rounds;

        RoundPartitioner(int batchSize, int workers, int frequency, int rounds) {
            this.batchSize = batchSize;
            this.workers = workers;
            this.frequency = frequency;
            this.rounds = rounds;
        }

        @Override
        public int numPartitions() {
            return rounds * workers;
        }

        @Override
        public int getPartition(Object key) {
            long j = (Long) key / batchSize;
            long perRound = (long) workers * frequency;
            long round = j / perRound;
            long slot = (j % perRound) / frequency;
            return (int) (round * workers + slot);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RoundPartitioner p && p.batchSize == batchSize && p.workers == workers
                    && p.frequency == frequency && p.rounds == rounds;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(batchSize, workers, frequency, rounds);
        }
    }

    /** Keeps partitions from (inclusive) .. to (exclusive). */
    static final class PartitionRange extends scala.runtime.AbstractFunction1<Object, Object> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int from;
        private final int to;

        PartitionRange(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public Object apply(Object index) {
            int i = (Integer) index;
            return i >= from && i < to;
        }
    }
}
