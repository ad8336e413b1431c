package ai.laes.lmn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The penalty alpha * ||W_mm W_mm^T - I||_F^2 on the memory transition, as a DL4J {@link Regularization}
 * of the Wmm parameter: added to the score, and its gradient added before the updater (after DL4J's
 * division of the data gradient by the minibatch size, like L2). The stored parameter is
 * P = W_mm^T (row-vector convention), so W_mm W_mm^T = P^T P; with E = P^T P - I (symmetric) the
 * gradient is d/dP = 4 alpha P E.
 */
public class OrthogonalityRegularization implements Regularization {
    private double alpha;

    /** For Jackson. */
    public OrthogonalityRegularization() {
    }

    public OrthogonalityRegularization(double alpha) {
        this.alpha = alpha;
    }

    public double getAlpha() {
        return alpha;
    }

    public void setAlpha(double alpha) {
        this.alpha = alpha;
    }

    @Override
    public ApplyStep applyStep() {
        return ApplyStep.BEFORE_UPDATER;
    }

    @Override
    public void apply(INDArray param, INDArray gradView, double lr, int iteration, int epoch) {
        INDArray p = square(param);
        INDArray grad = p.mmul(deviation(p)).muli(4 * alpha);
        gradView.addi(grad.reshape('f', gradView.shape()));
    }

    @Override
    public double score(INDArray param, int iteration, int epoch) {
        double norm = deviation(square(param)).norm2Number().doubleValue();
        return alpha * norm * norm;
    }

    @Override
    public Regularization clone() {
        return new OrthogonalityRegularization(alpha);
    }

    /** The n x n matrix P; DL4J passes either the shaped parameter or its flat 'f'-order row. */
    private static INDArray square(INDArray param) {
        int n = (int) Math.round(Math.sqrt(param.length()));
        return param.rank() == 2 && param.rows() == n ? param : param.reshape('f', n, n);
    }

    /** E = P^T P - I. */
    private static INDArray deviation(INDArray p) {
        INDArray e = p.transpose().mmul(p);
        return e.subi(Nd4j.eye(p.columns()).castTo(e.dataType()));
    }
}
