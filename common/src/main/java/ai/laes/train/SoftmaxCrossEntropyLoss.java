package ai.laes.train;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * DL4J's multi-class cross-entropy with its score made exact: the score of a softmax output is
 * {@code -sum_c y_c log softmax(z)_c} from the pre-softmax z by {@link CrossEntropy#logSoftmax} in double, not
 * {@code -log max(p, 1e-10)} of the rounded probabilities, so a minibatch's training loss is the reference's
 * cross-entropy however confident and wrong the network is. The gradient is DL4J's own ({@code softmax(z) - y}: the
 * clip never enters it). Other activations keep LossMCXENT's score. It is a DL4J loss like any other: stored in the
 * network's JSON by class name, so saved models and Spark workers use it too.
 */
public class SoftmaxCrossEntropyLoss extends LossMCXENT {
    private static final long serialVersionUID = 1L;

    /** Per example and class {@code y_c log softmax(z)_c} (LossMCXENT negates the sum into the score). */
    @Override
    protected INDArray scoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (!(activationFn instanceof ActivationSoftmax) || weights != null) {
            return super.scoreArray(labels, preOutput, activationFn, mask);
        }
        double[][] z = preOutput.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] y = labels.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] score = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            double[] logp = CrossEntropy.logSoftmax(z[i]);
            score[i] = new double[logp.length];
            for (int c = 0; c < logp.length; c++) {
                score[i][c] = y[i][c] == 0 ? 0 : y[i][c] * logp[c];
            }
        }
        INDArray out = Nd4j.createFromArray(score);
        if (mask != null) {
            LossUtil.applyMask(out, mask.castTo(DataType.DOUBLE));
        }
        return out;
    }

    @Override
    public String name() {
        return "SoftmaxCrossEntropyLoss()";
    }

    @Override
    public String toString() {
        return name();
    }
}
