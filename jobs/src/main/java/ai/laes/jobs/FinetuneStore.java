package ai.laes.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.laes.data.SequenceExample;
import ai.laes.io.RunInfo;
import ai.laes.spark.Stages;
import ai.laes.train.Batches;
import ai.laes.train.Checkpoints;
import ai.laes.train.EpochLog;
import ai.laes.train.EpochPlan;
import ai.laes.train.FineTuning;
import ai.laes.train.ModelFiles;
import ai.laes.train.StateGradientProbe;
import ai.laes.train.TrainingDiverged;
import ai.laes.train.ValidatedEpoch;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The fine-tune job's {@link FineTuning.Store}: every completed epoch becomes a checkpoint (the start is epoch 0,
 * with {@code initial.json}), a {@code metrics.jsonl} line (epochs 1..E) and, when it is the best so far,
 * {@code model/best.zip}; the probed epochs add their ||dL/dm_t|| to {@code gradients.csv}; a diverged epoch stops
 * the run, naming the last good checkpoint. At the end it draws what the files hold ({@link #draw}).
 */
final class FinetuneStore implements FineTuning.Store {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path work;
    private final Checkpoints checkpoints;
    private final EpochLog metrics;
    private final EpochLog gradients;
    private final StateGradientProbe probe;
    private final Set<Integer> probeEpochs;
    private final Batches batches;
    private final FinetuneOptions options;
    private final Stages stages;
    private final Configuration conf;

    FinetuneStore(Path work, FinetuneOptions options, StateGradientProbe probe, Batches batches, Stages stages,
            Configuration conf) {
        this.work = work;
        this.checkpoints = new Checkpoints(work, conf);
        this.metrics = new EpochLog(new Path(work, "metrics.jsonl"), null, FinetuneStore::jsonEpoch, conf);
        this.gradients = new EpochLog(new Path(work, "gradients.csv"), "epoch,iteration,t,norm",
                line -> Integer.parseInt(line.substring(0, line.indexOf(','))), conf);
        this.probe = probe;
        this.probeEpochs = options.probeEpochSet();
        this.batches = batches;
        this.options = options;
        this.stages = stages;
        this.conf = conf;
    }

    Checkpoints checkpoints() {
        return checkpoints;
    }

    /** The progress of the newest complete checkpoint with its network (the logs cut back to it), if there is one. */
    Optional<Resumed> resume() throws IOException {
        Optional<Checkpoints.State> latest = checkpoints.latest();
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        Checkpoints.State state = latest.get();
        metrics.keepUpTo(state.epoch());
        // The checkpoint is the epoch's commit point; its metrics line may not have been appended yet.
        if (state.epoch() > 0 && metrics.lines().stream().noneMatch(l -> jsonEpoch(l) == state.epoch())) {
            metrics.append(List.of(JSON.writeValueAsString(state.metrics())));
        }
        gradients.keepUpTo(state.epoch());
        return Optional.of(new Resumed(checkpoints.load(state.epoch()),
                new FineTuning.Progress(state.epoch(), state.bestEpoch(), state.bestValLoss())));
    }

    /** A network and the progress it was checkpointed at. */
    record Resumed(MultiLayerNetwork network, FineTuning.Progress progress) {
    }

    @Override
    public void completed(MultiLayerNetwork net, ValidatedEpoch.Outcome outcome, FineTuning.Progress progress) {
        int epoch = outcome.epoch();
        Map<String, Object> record = epoch == 0 ? Map.of() : outcome.record(options.learningRate);
        checkpoints.save(net, new Checkpoints.State(epoch, options.training.seed, progress.bestEpoch(), progress.bestValLoss(), record));
        if (epoch == 0) {
            RunInfo.writeJson(new Path(work, "initial.json"), conf,
                    Map.of("val_loss", outcome.valLoss(), "val_accuracy", outcome.valAccuracy()));
        }
        if (progress.lastIsBest()) {
            ModelFiles.copy(checkpoints.zip(epoch), new Path(work, "model/best.zip"), conf);
        }
        if (epoch > 0) {
            try {
                metrics.append(List.of(JSON.writeValueAsString(record)));
            } catch (IOException e) {
                throw new UncheckedIOException("metrics.jsonl", e);
            }
        }
    }

    @Override
    public void diverged(int epoch, FineTuning.Progress progress, TrainingDiverged cause) {
        throw new TrainingDiverged(cause.getMessage() + "; stopped, the last good checkpoint is "
                + checkpoints.zip(progress.epoch()) + " (a smaller --learning-rate may help)");
    }

    @Override
    public void beforeEpoch(int epoch, MultiLayerNetwork net, EpochPlan plan) {
        if (probeEpochs.contains(epoch)) {
            stages.run(String.format(Locale.ROOT, "fine-tune epoch %d/%d: gradient probe", epoch, options.training.epochs),
                    () -> gradients.append(probeLines(probe, net, plan, batches, epoch)));
        }
    }

    /** Draws curves.png and, when an epoch was probed, gradients.png ({@link FinetuneCharts}) from the files so far. */
    void draw(int bestEpoch) {
        FinetuneCharts.draw(work, bestEpoch, gradients.lines(), conf);
    }

    /**
     * The probe's lines for the epoch's first minibatch; of sequences of different lengths only those of its longest
     * length, so the probe needs no mask and every step t is a real step of every sequence probed.
     */
    static List<String> probeLines(StateGradientProbe probe, MultiLayerNetwork net, EpochPlan plan, Batches batches, int epoch) {
        List<SequenceExample> batch = batches.unpadded(plan.firstMinibatch());
        double[] norms = probe.meanStateGradientNorms(net, batches.features(batch), batches.labels(batch));
        int iteration = net.getIterationCount();
        List<String> lines = new ArrayList<>(norms.length);
        for (int t = 0; t < norms.length; t++) {
            lines.add(String.format(Locale.ROOT, "%d,%d,%d,%.9g", epoch, iteration, t + 1, norms[t]));
        }
        return lines;
    }

    static int jsonEpoch(String line) {
        try {
            return JSON.readTree(line).get("epoch").asInt();
        } catch (IOException e) {
            throw new IllegalStateException("metrics.jsonl: bad line " + line, e);
        }
    }
}
