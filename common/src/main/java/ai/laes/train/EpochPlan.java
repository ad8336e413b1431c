package ai.laes.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import ai.laes.data.LabeledImage;
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
 */
public final class EpochPlan {
    private final JavaRDD<List<LabeledImage>> minibatches;
    private final int workers;
    private final int rounds;
    private final long examples;
    private final long batches;
    private final int frequency;

    private EpochPlan(JavaRDD<List<LabeledImage>> minibatches, int workers, int frequency, int rounds, long examples,
                      long batches) {
        this.minibatches = minibatches;
        this.workers = workers;
        this.frequency = frequency;
        this.rounds = rounds;
        this.examples = examples;
        this.batches = batches;
    }

    /** Shuffles {@code images} ({@code count} of them) for {@code epoch} and lays the minibatches out by round. */
    public static EpochPlan of(JavaRDD<LabeledImage> images, long count, long seed, int epoch,
                               int batchSize, int workers, int frequency) {
        long batches = (count + batchSize - 1) / batchSize;
        int rounds = (int) ((batches + (long) workers * frequency - 1) / ((long) workers * frequency));
        JavaPairRDD<Long, LabeledImage> ordered = images
                .mapToPair(im -> new Tuple2<>(shuffleKey(seed, epoch, im.index()), im))
                .sortByKey(true, Math.max(1, images.getNumPartitions()));
        JavaPairRDD<Long, LabeledImage> positioned = ordered.values().zipWithIndex()
                .mapToPair(Tuple2::swap);
        JavaRDD<List<LabeledImage>> minibatches = positioned
                .repartitionAndSortWithinPartitions(new RoundPartitioner(batchSize, workers, frequency, rounds))
                .mapPartitions(groupByMinibatch(batchSize))
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new EpochPlan(minibatches, workers, frequency, rounds, count, batches);
    }

    private static org.apache.spark.api.java.function.FlatMapFunction<Iterator<Tuple2<Long, LabeledImage>>, List<LabeledImage>>
            groupByMinibatch(int batchSize) {
        return it -> {
            List<List<LabeledImage>> out = new ArrayList<>();
            long current = -1;
            List<LabeledImage> batch = null;
            while (it.hasNext()) {
                Tuple2<Long, LabeledImage> e = it.next();
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
    static long shuffleKey(long seed, int epoch, long index) {
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
    public JavaRDD<List<LabeledImage>> round(int r) {
        int from = r * workers;
        int to = from + workers;
        PartitionPruningRDD<List<LabeledImage>> pruned = PartitionPruningRDD.create(minibatches.rdd(),
                new PartitionRange(from, to));
        return new JavaRDD<>(pruned, ClassTag$.MODULE$.apply(List.class));
    }

    /** The first minibatch of the epoch (for the gradient probe). */
    public List<LabeledImage> firstMinibatch() {
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
