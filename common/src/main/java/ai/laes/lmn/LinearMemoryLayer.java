package ai.laes.lmn;

import ai.laes.recurrent.NativeLayers;
import ai.laes.io.InputException;
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
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Configuration of the Linear Memory Network layer (docs/laes-math.md, "The Linear Memory Network"), column-vector form:
 * <pre>
 *   h_t = act(W_xh x_t + W_mh m_{t-1} + b_h)     functional component, size nH (act = tanh by default)
 *   m_t = W_hm h_t + W_mm m_{t-1} + b_m          linear memory, size nM = nOut
 * </pre>
 * with m_0 = 0 (or the stored state in rnnTimeStep / truncated BPTT). The layer outputs the memory
 * sequence m_1..m_T as [batch, nM, T] (NCW). Optional orthogonality penalty
 * {@code alpha * ||W_mm W_mm^T - I||_F^2} ({@link OrthogonalityRegularization}) on W_mm, and optional memory
 * detach as in the reference's {@code LMNDetachCell}: with probability {@code detachProbability}, drawn once per
 * time step for the whole minibatch, the m_{t-1} in W_mh m_{t-1} is a constant in backpropagation, so the gradient
 * reaches m_{t-1} only through the linear memory W_mm m_{t-1} (W_mh itself still gets its gradient). The forward
 * pass is unchanged. The draws are a function of {@code detachSeed} and the network's iteration count
 * ({@link #detachedSteps}): reproducible, different every minibatch, and the same on every parameter-averaging
 * worker of a round (so two workers equal one step on their union batch).
 * <p>
 * Serialises through DL4J's Jackson as a plain bean (public getters and setters, no-arg constructor).
 */
public class LinearMemoryLayer extends BaseRecurrentLayer {

    private long nH;
    private double orthogonalityPenalty;
    private double detachProbability;
    private long detachSeed;

    /** For Jackson. */
    public LinearMemoryLayer() {
    }

    protected LinearMemoryLayer(Builder builder) {
        super(builder);
        this.nH = builder.nH;
        this.orthogonalityPenalty = builder.orthogonalityPenalty;
        this.detachProbability = builder.detachProbability;
        this.detachSeed = builder.detachSeed;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("LinearMemoryLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        if (nH <= 0) {
            throw new InputException("LinearMemoryLayer nH: functional size must be positive, got " + nH);
        }
        return NativeLayers.wire(new LinearMemoryLayerImpl(conf, networkDataType), initializer(), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams);
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

    /** Probability p in [0, 1] that a time step's m_{t-1} feeding the functional component is detached (0 = off). */
    public double getDetachProbability() {
        return detachProbability;
    }

    public void setDetachProbability(double detachProbability) {
        this.detachProbability = detachProbability;
    }

    /** Seed of the detach draws. */
    public long getDetachSeed() {
        return detachSeed;
    }

    public void setDetachSeed(long detachSeed) {
        this.detachSeed = detachSeed;
    }

    /**
     * Which steps t = 1..T (index t - 1) detach m_{t-1} from the functional component in the backward pass of
     * iteration {@code iteration}: step t is detached when the t-th uniform draw of a generator seeded by
     * ({@code seed}, {@code iteration}) is below {@code p}. Null when p = 0 (nothing detached, no draws).
     */
    public static boolean[] detachedSteps(double p, long seed, long iteration, int T) {
        if (!(p > 0)) {
            return null;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + iteration);
        boolean[] detached = new boolean[T];
        for (int t = 0; t < T; t++) {
            detached[t] = random.nextDouble() < p;
        }
        return detached;
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
        return nH == that.nH && Double.compare(orthogonalityPenalty, that.orthogonalityPenalty) == 0
                && Double.compare(detachProbability, that.detachProbability) == 0 && detachSeed == that.detachSeed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), nH, orthogonalityPenalty, detachProbability, detachSeed);
    }

    /** Builder: {@code nIn(k).nH(nH).nM(nM)}; activation defaults to tanh. */
    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private long nH;
        private double orthogonalityPenalty;
        private double detachProbability;
        private long detachSeed;

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

        /** Detach m_{t-1} from the functional component with probability p in [0, 1] per step, draws seeded by {@code seed}. */
        public Builder detach(double p, long seed) {
            if (!(p >= 0 && p <= 1)) {
                throw new InputException("LinearMemoryLayer detachProbability: must be in [0, 1], got " + p);
            }
            this.detachProbability = p;
            this.detachSeed = seed;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public LinearMemoryLayer build() {
            return new LinearMemoryLayer(this);
        }
    }
}
