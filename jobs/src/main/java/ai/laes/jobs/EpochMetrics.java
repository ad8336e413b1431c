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
 * One epoch of a fine-tuning run as the files of its directory record it (a fine-tune output, or a grid's
 * {@code runs/<id>/}): epoch 0, the start, from {@code initial.json} (validation only: no training loss, no
 * seconds), epochs 1.. from {@code metrics.jsonl}. A value a line lacks is NaN.
 */
record EpochMetrics(int epoch, double trainLoss, double valLoss, double valAccuracy, double seconds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The epochs recorded in {@code dir}, the start first (when its initial.json exists). */
    static List<EpochMetrics> read(Path dir, Configuration conf) {
        List<EpochMetrics> epochs = new ArrayList<>();
        Path initial = new Path(dir, "initial.json");
        if (FileSystems.exists(initial, conf)) {
            Map<String, Object> m = RunInfo.readJson(initial, conf);
            epochs.add(new EpochMetrics(0, Double.NaN, number(m.get("val_loss")), number(m.get("val_accuracy")), 0));
        }
        for (String line : new EpochLog(new Path(dir, "metrics.jsonl"), null, FinetuneStore::jsonEpoch, conf).lines()) {
            Map<String, Object> m = parse(line);
            epochs.add(new EpochMetrics((int) number(m.get("epoch")), number(m.get("train_loss")), number(m.get("val_loss")),
                    number(m.get("val_accuracy")), number(m.get("seconds"))));
        }
        return epochs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String line) {
        try {
            return JSON.readValue(line, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("metrics.jsonl: bad line " + line, e);
        }
    }

    static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
