package ai.laes.jobs;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.laes.io.FileSystems;
import ai.laes.io.RunInfo;
import ai.laes.lmn.LinearMemoryLayerImpl;
import ai.laes.train.Batches;
import ai.laes.train.FineTuning;
import ai.laes.train.LocalFineTuning;
import ai.laes.train.NetworkBroadcast;
import ai.laes.train.TrainingDiverged;
import ai.laes.train.ValidatedEpoch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SerializableWritable;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configuration of a grid as one Spark task: on its executor core it trains one network with
 * {@link LocalFineTuning} (no parameter averaging), its checkpoints and {@code metrics.jsonl} in
 * {@code runs/<id>/} on the job's file system through the fine-tune job's {@link FinetuneStore}. A task that starts
 * where a complete checkpoint exists (Spark's retry of a failed task, or a resumed grid) continues from the newest
 * one; the finished configuration writes {@code done.json} last, after which it is never trained again. A
 * diverged configuration is finished at the epoch before it diverged, as the report records it.
 */
final class GridTask implements Serializable {
    /** Test hook: a configuration id whose first attempt fails right after its epoch-1 checkpoint (once per run dir). */
    static final String FAIL_ONCE = "laes.test.grid.fail-once";
    /** The marker of that injected failure, in the configuration's run directory. */
    static final String FAILED_MARKER = "injected-failure";
    static final String DONE = "done.json";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GridTask.class);

    private final String id;
    private final List<String> args;
    private final String runDir;
    private final Broadcast<GridImages> train;
    private final Broadcast<GridImages> validation;
    private final Broadcast<byte[]> start;
    private final Batches batches;
    private final SerializableWritable<Configuration> conf;

    GridTask(String id, List<String> args, Path runDir, Broadcast<GridImages> train, Broadcast<GridImages> validation,
            Broadcast<byte[]> start, Batches batches, Configuration conf) {
        this.id = id;
        this.args = args;
        this.runDir = runDir.toString();
        this.train = train;
        this.validation = validation;
        this.start = start;
        this.batches = batches;
        this.conf = new SerializableWritable<>(conf);
    }

    String id() {
        return id;
    }

    /** The configuration's minibatch size (from its options). */
    int batchSize() {
        int at = args.indexOf("--batch-size");
        return at < 0 ? 0 : Integer.parseInt(args.get(at + 1));
    }

    /** Trains the configuration to its end (or resumes it) on this core; its {@code done.json}. */
    Map<String, Object> call() throws IOException {
        Configuration hadoop = conf.value();
        Path dir = new Path(runDir);
        Path donePath = new Path(dir, DONE);
        if (FileSystems.exists(donePath, hadoop)) { // a retry after the configuration had finished
            return RunInfo.readJson(donePath, hadoop);
        }
        FinetuneOptions o = GridJob.finetuneOptions(args, null, "configuration " + id);
        FinetuneStore store = new FinetuneStore(dir, o, null, batches, null, hadoop);
        FineTuning.Setup setup = new FineTuning.Setup(o.training.epochs, 1, o.batchSize, 1, o.training.evalBatchSize, o.training.seed, "grid " + id);
        LocalFineTuning.Data data = new LocalFineTuning.Data(train.value().images(), validation.value().images(), batches);
        Outcomes outcomes = new Outcomes(store, dir, hadoop);

        Optional<FinetuneStore.Resumed> resumed = store.resume();
        MultiLayerNetwork net;
        FineTuning.Progress progress;
        if (resumed.isPresent()) {
            net = resumed.get().network();
            progress = resumed.get().progress();
            LOG.info("grid {}: resuming after epoch {} (attempt {})", id, progress.epoch(), attempt());
        } else {
            net = o.hyperparameters().applyTo(NetworkBroadcast.fromBytes(start.value(), false));
            progress = LocalFineTuning.start(net, data, setup, outcomes);
        }
        FineTuning.Result result = LocalFineTuning.train(net, progress, data, setup, outcomes);
        LinearMemoryLayerImpl.releaseTapes(result.last());
        Map<String, Object> done = Map.of("id", id, "best_epoch", result.progress().bestEpoch(),
                "best_val_loss", result.progress().bestValLoss(), "epochs", result.progress().epoch(),
                "diverged_at", result.divergedAt());
        writeWhole(donePath, done, hadoop);
        return done;
    }

    /**
     * Writes JSON {@code value} to {@code path} whole or not at all (a hidden sibling renamed into place): a file that
     * marks something complete ({@code done.json}, an evaluation) is never seen half-written after a kill.
     */
    static void writeWhole(Path path, Object value, Configuration hadoop) throws IOException {
        Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp");
        RunInfo.writeJson(tmp, hadoop, value);
        if (!FileSystems.of(path, hadoop).rename(tmp, path)) {
            throw new IOException("rename " + tmp + " -> " + path + " failed");
        }
    }

    private static int attempt() {
        TaskContext context = TaskContext.get();
        return context == null ? 0 : context.attemptNumber();
    }

    /** The fine-tune store, a divergence ending the configuration instead of the job, and the test hook. */
    private final class Outcomes implements FineTuning.Store {
        private final FinetuneStore store;
        private final Path dir;
        private final Configuration hadoop;

        Outcomes(FinetuneStore store, Path dir, Configuration hadoop) {
            this.store = store;
            this.dir = dir;
            this.hadoop = hadoop;
        }

        @Override
        public void completed(MultiLayerNetwork net, ValidatedEpoch.Outcome outcome, FineTuning.Progress progress) {
            store.completed(net, outcome, progress);
            if (outcome.epoch() == 1 && id.equals(System.getProperty(FAIL_ONCE))) {
                Path marker = new Path(dir, FAILED_MARKER);
                try {
                    if (FileSystems.of(marker, hadoop).createNewFile(marker)) {
                        throw new IllegalStateException("injected failure of grid " + id + " after its epoch-1 checkpoint (" + FAIL_ONCE + ")");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(marker.toString(), e);
                }
            }
        }

        @Override
        public void diverged(int epoch, FineTuning.Progress progress, TrainingDiverged cause) {
            LOG.warn("grid {}: {}; the configuration ends with its best epoch {}", id, cause.getMessage(), progress.bestEpoch());
        }
    }
}
