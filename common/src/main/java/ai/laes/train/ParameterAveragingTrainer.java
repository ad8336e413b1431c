package ai.laes.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaRDDLike;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous parameter averaging with DL4J's {@link ParameterAveragingTrainingMaster}: each
 * round, every worker starts from the driver's parameters and updater state, fits
 * {@code frequency} minibatches of {@code batchSize}, and the driver sets both to the workers'
 * average (saveUpdater = true: the Adam moments are averaged too). Training data goes in with
 * {@link RDDTrainingApproach#Direct} (works with a local file system on any master). DL4J would
 * persist each round's DataSets (MEMORY_ONLY_SER) before counting and splitting them; a round here
 * is one split of a known count ({@link KnownCountMaster}), read once by its training job, so that
 * persist only serialised every DataSet into the block store and read it back, value by value
 * (JFR: about a third of a worker's time outside {@code fit} on the standalone cluster); it is off.
 * The driver runs one {@code fit} per round of an {@link EpochPlan}, which gives a log line per
 * round and a NaN check after every averaging.
 */
public final class ParameterAveragingTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingTrainer.class);

    private final JavaSparkContext sc;
    private final KnownCountMaster master;
    private final SparkDl4jMultiLayer spark;
    private final int workers;
    private final int batchSize;
    private final int frequency;

    public ParameterAveragingTrainer(JavaSparkContext sc, MultiLayerNetwork net, int workers, int batchSize, int frequency, long seed) {
        this.sc = sc;
        this.workers = workers;
        this.batchSize = batchSize;
        this.frequency = frequency;
        this.master = new KnownCountMaster(new ParameterAveragingTrainingMaster.Builder(workers, batchSize)
                .batchSizePerWorker(batchSize)
                .averagingFrequency(frequency)
                .saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .storageLevel(null)
                .repartionData(Repartition.Never)
                .workerPrefetchNumBatches(0)
                .collectTrainingStats(false)
                .trainingHooks(new TapeReturningHook())
                .rngSeed(seed));
        this.spark = new SparkDl4jMultiLayer(sc, net, master);
    }

    /** The driver's network (updated in place by every round). */
    public MultiLayerNetwork network() {
        return spark.getNetwork();
    }

    /** Adds a hook the workers call around every minibatch from the next round on (e.g. a benchmark's timer). */
    public void addTrainingHook(TrainingHook hook) {
        // The builder keeps its hooks in a fixed-size list, which DL4J's addHook cannot grow.
        List<TrainingHook> hooks = new ArrayList<>(master.getTrainingHookList());
        hooks.add(hook);
        master.setTrainingHookList(hooks);
    }

    public int workers() {
        return workers;
    }

    public int batchSize() {
        return batchSize;
    }

    public int frequency() {
        return frequency;
    }

    /** What one epoch did: the examples-weighted mean of the workers' minibatch cross-entropies, examples, seconds. */
    public record EpochResult(double trainLoss, long examples, double seconds) {
        public double examplesPerSecond() {
            return examples / seconds;
        }
    }

    /** Trains one epoch of {@code plan}; {@code label} names it in logs and the Spark UI (e.g. "fine-tune epoch 3/10"). */
    public EpochResult fitEpoch(EpochPlan plan, Batches batches, String label) {
        long start = System.nanoTime();
        int rounds = plan.rounds();
        long perRound = (long) workers * frequency * batchSize;
        double lossSum = 0;
        long done = 0;
        int epoch = network().getEpochCount();
        for (int r = 0; r < rounds; r++) {
            long inRound = Math.min(perRound, plan.examples() - done);
            sc.setJobDescription(String.format(Locale.ROOT, "%s, round %d/%d", label, r + 1, rounds));
            JavaRDD<DataSet> data = plan.round(r).map(batches::dataSet);
            master.expect(plan.minibatches(r));
            try {
                spark.fit(data);
            } finally {
                master.expect(-1);
                sc.setJobDescription(null);
            }
            double loss = spark.getScore();
            if (!Double.isFinite(loss) || !finite(network())) {
                throw new TrainingDiverged(String.format(Locale.ROOT, "%s, round %d/%d: training loss became %s (parameters %s)",
                        label, r + 1, rounds, loss, finite(network()) ? "finite" : "not finite"));
            }
            lossSum += CrossEntropy.withoutRegularisation(network(), loss) * inRound;
            done += inRound;
            double elapsed = (System.nanoTime() - start) / 1e9;
            LOG.info(String.format(Locale.ROOT, "%s, round %d/%d: %d/%d examples, loss %.4f, %.0f examples/s, ETA %.0f s",
                    label, r + 1, rounds, done, plan.examples(), loss, done / elapsed,
                    elapsed / done * (plan.examples() - done)));
        }
        // SparkDl4jMultiLayer.fit counts every call as an epoch; keep DL4J's epoch count = epochs done.
        network().setEpochCount(epoch + 1);
        return new EpochResult(lossSum / done, done, (System.nanoTime() - start) / 1e9);
    }

    /**
     * DL4J's master, told how many DataSets the next round holds: DL4J would otherwise count the
     * round's RDD with a Spark job of its own before training on it (about 0.35 s a round on the
     * standalone cluster). The count decides only how DL4J splits the RDD; a round is one split.
     */
    static final class KnownCountMaster extends ParameterAveragingTrainingMaster {
        private static final long serialVersionUID = 1L;
        private long expected = -1;

        KnownCountMaster(ParameterAveragingTrainingMaster.Builder builder) {
            super(builder);
        }

        /** The DataSet count of the next {@code fit}; -1: let DL4J count. */
        void expect(long count) {
            expected = count;
        }

        @Override
        protected <T, R extends JavaRDDLike<T, R>> long getTotalDataSetObjectCount(JavaRDDLike<T, R> data) {
            return expected >= 0 ? expected : super.getTotalDataSetObjectCount(data);
        }
    }

    /** True if no parameter is NaN or infinite. */
    static boolean finite(MultiLayerNetwork net) {
        return !BooleanIndexing.or(net.params(), Conditions.isNan()) && !BooleanIndexing.or(net.params(), Conditions.isInfinite());
    }
}
