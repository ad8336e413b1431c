package ai.laes.lmn;

import ai.laes.io.InputException;
import ai.laes.numerics.BlasCanary;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of the Linear Memory Network layer (laes-math.md section 2), column-vector form:
 * <pre>
 *   h_t = act(W_xh x_t + W_mh m_{t-1} + b_h)     functional component, size nH (act = tanh by default)
 *   m_t = W_hm h_t + W_mm m_{t-1} + b_m          linear memory, size nM = nOut
 * </pre>
 * with m_0 = 0 (or the stored state in rnnTimeStep / truncated BPTT). The layer outputs the memory
 * sequence m_1..m_T as [batch, nM, T] (NCW). Optional orthogonality penalty
 * {@code alpha * ||W_mm W_mm^T - I||_F^2} ({@link OrthogonalityRegularization}) on W_mm.
 * <p>
 * Serialises through DL4J's Jackson as a plain bean (public getters and setters, no-arg constructor).
 */
public class LinearMemoryLayer extends BaseRecurrentLayer {

    private long nH;
    private double orthogonalityPenalty;

    /** For Jackson. */
    public LinearMemoryLayer() {
    }

    protected LinearMemoryLayer(Builder builder) {
        super(builder);
        this.nH = builder.nH;
        this.orthogonalityPenalty = builder.orthogonalityPenalty;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("LinearMemoryLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        if (nH <= 0) {
            throw new InputException("LinearMemoryLayer nH: functional size must be positive, got " + nH);
        }
        BlasCanary.verifyOnce(); // this JVM's SGEMM / DGEMM, before its first LMN step
        LinearMemoryLayerImpl layer = new LinearMemoryLayerImpl(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return LinearMemoryParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return null;
    }

    /** Functional (hidden) size n_h. */
    public long getNH() {
        return nH;
    }

    public void setNH(long nH) {
        this.nH = nH;
    }

    /** Memory size n_m (equal to nOut). */
    public long nM() {
        return getNOut();
    }

    /** alpha of the orthogonality penalty alpha * ||W_mm W_mm^T - I||_F^2 (0 = off). */
    public double getOrthogonalityPenalty() {
        return orthogonalityPenalty;
    }

    public void setOrthogonalityPenalty(double orthogonalityPenalty) {
        this.orthogonalityPenalty = orthogonalityPenalty;
    }

    /** Adds {@link OrthogonalityRegularization} to Wmm's regularization when the penalty is on. */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        List<Regularization> base = super.getRegularizationByParam(paramName);
        if (orthogonalityPenalty <= 0 || !LinearMemoryParamInitializer.W_MM.equals(paramName)) {
            return base;
        }
        List<Regularization> all = base == null ? new ArrayList<>() : new ArrayList<>(base);
        all.add(new OrthogonalityRegularization(orthogonalityPenalty));
        return all;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LinearMemoryLayer) || !super.equals(o)) {
            return false;
        }
        LinearMemoryLayer that = (LinearMemoryLayer) o;
        return nH == that.nH && Double.compare(orthogonalityPenalty, that.orthogonalityPenalty) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), nH, orthogonalityPenalty);
    }

    /** Builder: {@code nIn(k).nH(nH).nM(nM)}; activation defaults to tanh. */
    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private long nH;
        private double orthogonalityPenalty;

        public Builder() {
            activation(Activation.TANH);
        }

        /** Functional (hidden) size n_h. */
        public Builder nH(long nH) {
            this.nH = nH;
            return this;
        }

        /** Memory size n_m; this is the layer's nOut. */
        public Builder nM(long nM) {
            return nOut(nM);
        }

        /** alpha >= 0 of the penalty alpha * ||W_mm W_mm^T - I||_F^2. */
        public Builder orthogonalityPenalty(double alpha) {
            if (!(alpha >= 0)) {
                throw new InputException("LinearMemoryLayer orthogonalityPenalty: must be >= 0, got " + alpha);
            }
            this.orthogonalityPenalty = alpha;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public LinearMemoryLayer build() {
            return new LinearMemoryLayer(this);
        }
    }
}
