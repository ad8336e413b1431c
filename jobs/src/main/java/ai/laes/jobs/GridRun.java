package ai.laes.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.laes.io.FileSystems;
import ai.laes.io.RunInfo;
import ai.laes.train.EpochLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What the files of one configuration's run directory ({@code runs/<id>/}) say: its validation loss and accuracy per
 * epoch (epoch 0 from {@code initial.json}, the others from {@code metrics.jsonl}), its training seconds and, once
 * finished, its {@code done.json}.
 */
record GridRun(String id, List<double[]> validation, double seconds, Map<String, Object> done) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code validation.get(i)} = {epoch, loss, accuracy}. */
    static GridRun read(String id, Path dir, Configuration conf) {
        List<double[]> curve = new ArrayList<>();
        double seconds = 0;
        Path initial = new Path(dir, "initial.json");
        if (FileSystems.exists(initial, conf)) {
            Map<String, Object> m = RunInfo.readJson(initial, conf);
            curve.add(new double[] {0, number(m.get("val_loss")), number(m.get("val_accuracy"))});
        }
        for (String line : metrics(dir, conf).lines()) {
            Map<String, Object> m = parse(line);
            curve.add(new double[] {number(m.get("epoch")), number(m.get("val_loss")), number(m.get("val_accuracy"))});
            seconds += number(m.get("seconds"));
        }
        Path done = new Path(dir, GridTask.DONE);
        return new GridRun(id, curve, seconds, FileSystems.exists(done, conf) ? RunInfo.readJson(done, conf) : null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String line) {
        try {
            return JSON.readValue(line, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("metrics.jsonl: bad line " + line, e);
        }
    }

    static EpochLog metrics(Path dir, Configuration conf) {
        return new EpochLog(new Path(dir, "metrics.jsonl"), null, FinetuneStore::jsonEpoch, conf);
    }

    boolean finished() {
        return done != null;
    }

    int bestEpoch() {
        return ((Number) done.get("best_epoch")).intValue();
    }

    double bestValLoss() {
        return number(done.get("best_val_loss"));
    }

    /** The validation accuracy of the best epoch. */
    double bestValAccuracy() {
        return validation.stream().filter(v -> v[0] == bestEpoch()).mapToDouble(v -> v[2]).findFirst().orElse(Double.NaN);
    }

    int divergedAt() {
        return ((Number) done.get("diverged_at")).intValue();
    }

    int epochs() {
        return ((Number) done.get("epochs")).intValue();
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
