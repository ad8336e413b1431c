package ai.laes.readout;

import java.util.List;

import scala.Tuple2;

/**
 * The temperature of a least-squares readout used as softmax logits: the scalar tau minimising the
 * mean cross-entropy  mean_i [ logsumexp(tau s_i) - tau s_i[y_i] ]  with s_i = W f_i + b. The
 * least-squares scores are calibrated for squared error, not for a softmax (near-uniform
 * probabilities, loss near log 10); scaling them by tau keeps every prediction (argmax is unchanged)
 * and gives fine-tuning a calibrated start. The objective is convex in tau, so a golden-section
 * search over log tau finds the minimum.
 */
public final class SoftmaxTemperature {
    static final double LOG_MIN = Math.log(1e-2);
    static final double LOG_MAX = Math.log(1e4);

    private SoftmaxTemperature() {
    }

    /** The cross-entropy-minimising temperature for {@code readout} on {@code sample} (features, label). */
    public static double fit(RidgeReadout readout, List<Tuple2<double[], Integer>> sample) {
        double[][] scores = new double[sample.size()][];
        int[] labels = new int[sample.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = readout.scores(sample.get(i)._1());
            labels[i] = sample.get(i)._2();
        }
        return fit(scores, labels);
    }

    /** The cross-entropy-minimising temperature for logits {@code scores} and {@code labels}. */
    public static double fit(double[][] scores, int[] labels) {
        double ratio = (Math.sqrt(5) - 1) / 2;
        double a = LOG_MIN;
        double b = LOG_MAX;
        double c = b - ratio * (b - a);
        double d = a + ratio * (b - a);
        double fc = crossEntropy(scores, labels, Math.exp(c));
        double fd = crossEntropy(scores, labels, Math.exp(d));
        for (int it = 0; it < 80; it++) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - ratio * (b - a);
                fc = crossEntropy(scores, labels, Math.exp(c));
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + ratio * (b - a);
                fd = crossEntropy(scores, labels, Math.exp(d));
            }
        }
        return Math.exp((a + b) / 2);
    }

    /** Mean cross-entropy of softmax(tau s) against the labels. */
    public static double crossEntropy(double[][] scores, int[] labels, double tau) {
        double total = 0;
        for (int i = 0; i < scores.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double s : scores[i]) {
                max = Math.max(max, tau * s);
            }
            double sum = 0;
            for (double s : scores[i]) {
                sum += Math.exp(tau * s - max);
            }
            total += max + Math.log(sum) - tau * scores[i][labels[i]];
        }
        return total / scores.length;
    }
}
