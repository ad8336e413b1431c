package ai.laes.train;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import ai.laes.io.FileSystems;
import ai.laes.io.RunInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * End-of-epoch checkpoints in {@code DIR/checkpoints}: {@code epoch-NNN.zip} (the network with its
 * updater state; DL4J's iteration and epoch counts are in its configuration) and then
 * {@code epoch-NNN.json} (epoch, seed, best epoch and loss so far, the epoch's metrics record).
 * Both are written atomically and the json last, so a checkpoint is complete exactly when its json
 * exists. Epoch 0 is the initial network. The training order of an epoch is a pure function of
 * (seed, epoch) (see {@link EpochPlan}), so no random-generator state is needed to resume.
 */
public final class Checkpoints {
    private final Path dir;
    private final Configuration conf;

    public Checkpoints(Path runDir, Configuration conf) {
        this.dir = new Path(runDir, "checkpoints");
        this.conf = conf;
    }

    /** What a checkpoint records beside the network. */
    public record State(int epoch, long seed, int bestEpoch, double bestValLoss, Map<String, Object> metrics) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch);
            m.put("seed", seed);
            m.put("best_epoch", bestEpoch);
            m.put("best_val_loss", Double.isFinite(bestValLoss) ? bestValLoss : null);
            m.put("metrics", metrics);
            return m;
        }

        @SuppressWarnings("unchecked")
        static State fromMap(Map<String, Object> m) {
            Object best = m.get("best_val_loss");
            return new State(((Number) m.get("epoch")).intValue(), ((Number) m.get("seed")).longValue(),
                    ((Number) m.get("best_epoch")).intValue(),
                    best == null ? Double.POSITIVE_INFINITY : ((Number) best).doubleValue(),
                    (Map<String, Object>) m.get("metrics"));
        }
    }

    public Path zip(int epoch) {
        return new Path(dir, String.format(Locale.ROOT, "epoch-%03d.zip", epoch));
    }

    private Path json(int epoch) {
        return new Path(dir, String.format(Locale.ROOT, "epoch-%03d.json", epoch));
    }

    public void save(MultiLayerNetwork net, State state) {
        ModelFiles.save(net, zip(state.epoch()), true, conf);
        Path json = json(state.epoch());
        Path tmp = new Path(dir, "." + json.getName() + ".tmp");
        RunInfo.writeJson(tmp, conf, state.toMap());
        try {
            ModelFiles.replace(FileSystems.of(dir, conf), tmp, json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing " + json, e);
        }
    }

    /** The newest complete checkpoint, if any. */
    public Optional<State> latest() {
        FileSystem fs = FileSystems.of(dir, conf);
        try {
            if (!fs.exists(dir)) {
                return Optional.empty();
            }
            int newest = -1;
            for (FileStatus s : fs.listStatus(dir)) {
                String name = s.getPath().getName();
                if (name.matches("epoch-\\d+\\.json") && fs.exists(zip(Integer.parseInt(name.substring(6, name.length() - 5))))) {
                    newest = Math.max(newest, Integer.parseInt(name.substring(6, name.length() - 5)));
                }
            }
            return newest < 0 ? Optional.empty() : Optional.of(State.fromMap(RunInfo.readJson(json(newest), conf)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("listing " + dir, e);
        }
    }

    /** The network of checkpoint {@code epoch}, with its updater state. */
    public MultiLayerNetwork load(int epoch) {
        return ModelFiles.load(zip(epoch), true, conf, "checkpoint");
    }
}
