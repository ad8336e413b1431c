package ai.laes.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.evaluation.classification.Evaluation;

/**
 * The {@code evaluation.json} of a fine-tuned network chosen by its validation loss and evaluated on the test split:
 * which epoch was chosen and why, the loss and accuracy, per-class precision, recall and F1 (each class by its index
 * and its name from dataset.json), and the confusion matrix.
 */
public final class EvaluationJson {
    private EvaluationJson() {
    }

    /**
     * The test evaluation {@code r} of the chosen network: {@code bestEpoch} is the epoch with the lowest validation
     * loss {@code bestValLoss}, 0 when no trained epoch beat the network fine-tuning started from.
     */
    public static Map<String, Object> of(Evaluator.Result r, int bestEpoch, double bestValLoss, List<String> classes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("split", "test");
        m.put("best_epoch", bestEpoch);
        m.put("chosen", bestEpoch == 0 ? "the start (epoch 0): no trained epoch had a lower validation loss"
                : "epoch " + bestEpoch + ": the lowest validation loss");
        m.put("best_val_loss", bestValLoss);
        m.put("examples", r.count());
        m.put("accuracy", r.accuracy());
        m.put("loss", r.loss());
        m.put("per_class", perClass(r.evaluation(), classes));
        m.put("confusion_matrix", confusion(r.evaluation(), classes.size()));
        m.put("confusion_matrix_rows", "actual class; columns: predicted class");
        return m;
    }

    /** Precision, recall and F1 of each class, named by {@code names} (in index order). */
    private static List<Map<String, Object>> perClass(Evaluation ev, List<String> names) {
        List<Map<String, Object>> classes = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("class", c);
            k.put("name", names.get(c));
            k.put("precision", ev.precision(c));
            k.put("recall", ev.recall(c));
            k.put("f1", ev.f1(c));
            classes.add(k);
        }
        return classes;
    }

    /** The counts of (actual class, predicted class); all 0 without a confusion matrix (nothing evaluated). */
    private static long[][] confusion(Evaluation ev, int n) {
        long[][] confusion = new long[n][n];
        for (int c = 0; c < n; c++) {
            for (int p = 0; p < n; p++) {
                confusion[c][p] = ev.getConfusionMatrix() == null ? 0 : ev.getConfusionMatrix().getCount(c, p);
            }
        }
        return confusion;
    }
}
