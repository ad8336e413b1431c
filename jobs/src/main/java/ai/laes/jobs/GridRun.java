package ai.laes.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.laes.io.FileSystems;
import ai.laes.io.RunInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What the files of one configuration's run directory ({@code runs/<id>/}) say: its validation loss and accuracy per
 * epoch ({@link EpochMetrics}: epoch 0 from {@code initial.json}, the others from {@code metrics.jsonl}), its training
 * seconds and, once finished, its {@code done.json}.
 */
record GridRun(String id, List<double[]> validation, double seconds, Map<String, Object> done) {
    /** {@code validation.get(i)} = {epoch, loss, accuracy}. */
    static GridRun read(String id, Path dir, Configuration conf) {
        List<double[]> curve = new ArrayList<>();
        double seconds = 0;
        for (EpochMetrics e : EpochMetrics.read(dir, conf)) {
            curve.add(new double[] {e.epoch(), e.valLoss(), e.valAccuracy()});
            seconds += e.seconds();
        }
        Path done = new Path(dir, GridTask.DONE);
        return new GridRun(id, curve, seconds, FileSystems.exists(done, conf) ? RunInfo.readJson(done, conf) : null);
    }

    boolean finished() {
        return done != null;
    }

    int bestEpoch() {
        return ((Number) done.get("best_epoch")).intValue();
    }

    double bestValLoss() {
        return EpochMetrics.number(done.get("best_val_loss"));
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
}
