package ai.laes.train;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The classifier's loss as the reference computes it ({@code torch.nn.CrossEntropyLoss} on the logits): for logits
 * z of C classes and label y, {@code -log softmax(z)_y = logsumexp(z) - z_y}, with
 * {@code logsumexp(z) = max(z) + log sum_c exp(z_c - max(z))}, in double precision. Unlike DL4J's MCXENT score,
 * which clips every probability at 1e-10 and so caps a sequence's loss at -ln(1e-10) = 23.03, this is exact for
 * logits that differ by hundreds: an untrained orthogonal LMN (seed 21, sMNIST, 2,000 validation sequences) scores
 * 18.98 capped but 186 exact, 80 % of its sequences above the cap.
 * <p>
 * {@link #logits} takes the head's input from the network (the recurrent layer's last state) and applies the softmax
 * head's W and b in double, so the loss is computed from the logits, never from a rounded probability.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /** {@code log softmax(z)}: z_c - logsumexp(z) for every class c. */
    public static double[] logSoftmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double logSum = max + Math.log(sum);
        double[] out = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            out[c] = z[c] - logSum;
        }
        return out;
    }

    /** The cross-entropy {@code -log softmax(z)_label} of one example. */
    public static double loss(double[] z, int label) {
        return -logSoftmax(z)[label];
    }

    /** softmax(z), from {@link #logSoftmax} (every entry in (0, 1], summing to 1 up to rounding). */
    public static double[] probabilities(double[] z) {
        double[] p = logSoftmax(z);
        for (int c = 0; c < p.length; c++) {
            p[c] = Math.exp(p[c]);
        }
        return p;
    }

    /**
     * The logits [b, C] of {@code net} (a recurrent layer under a dense softmax head, as {@link RecurrentClassifiers}
     * builds) for {@code features}: the head's input (the last layer's input activations, inference mode) times the
     * head's W plus b, in double. Costs one forward pass to the head and a b x n x C product.
     */
    public static double[][] logits(MultiLayerNetwork net, INDArray features) {
        return logits(net, features, null);
    }

    /**
     * {@link #logits} of an end-aligned batch with its feature mask [b, T] ({@code null}: none, as
     * {@link Batches#mask} gives for equal lengths). DL4J M2 keeps a mask set on the layers after a call, so the mask
     * is set for this pass only and cleared after it.
     */
    public static double[][] logits(MultiLayerNetwork net, INDArray features, INDArray mask) {
        int head = net.getnLayers() - 1;
        List<INDArray> acts;
        if (mask == null) {
            acts = net.feedForwardToLayer(head - 1, features, false);
        } else {
            net.setLayerMaskArrays(mask, null);
            try {
                acts = net.feedForwardToLayer(head - 1, features, false);
            } finally {
                net.clearLayerMaskArrays();
            }
        }
        INDArray in = acts.get(acts.size() - 1).castTo(DataType.DOUBLE);
        INDArray w = net.getLayer(head).getParam("W").castTo(DataType.DOUBLE);
        INDArray b = net.getLayer(head).getParam("b").castTo(DataType.DOUBLE);
        return in.mmul(w).addiRowVector(b).toDoubleMatrix();
    }

    /**
     * The cross-entropy part of a DL4J {@code score} of {@code net}: DL4J adds the regularisation terms (the L2 weight
     * decay, the LMN's orthogonality penalty) to the loss; the reference reports its loss without them. The terms are
     * taken at {@code net}'s current parameters (after the step that scored, a difference of order learning rate x
     * weight decay).
     */
    public static double withoutRegularisation(MultiLayerNetwork net, double score) {
        return score - net.calcRegularizationScore(true);
    }
}
