package ai.laes.lstm;

import ai.laes.io.InputException;
import ai.laes.recurrent.NativeLayers;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Objects;

/**
 * Configuration of a standard LSTM layer with the mathematics, parameters and initialisation of DL4J's
 * {@link org.deeplearning4j.nn.conf.layers.LSTM} (and PyTorch's nn.LSTM), row-vector form, gates in DL4J's
 * block order [g | f | o | i] of width n each:
 * <pre>
 *   [a_g | a_f | a_o | a_i] = x_t W + h_{t-1} RW + b
 *   g = tanh(a_g)   f = sigmoid(a_f)   o = sigmoid(a_o)   i = sigmoid(a_i)
 *   c_t = f * c_{t-1} + i * g          h_t = o * tanh(c_t)
 * </pre>
 * with h_0 = c_0 = 0. The output is h_1..h_T as [batch, n, T] (NCW). The forget-gate bias starts at
 * {@code forgetGateBiasInit} (default 1.0, as DL4J's LSTM). The cell activation must be tanh and the gates are
 * sigmoids: {@link LstmLayerImpl} fuses them into one element kernel.
 * <p>
 * Serialises through DL4J's Jackson as a plain bean (public getters and setters, no-arg constructor).
 */
public class LstmLayer extends BaseRecurrentLayer {
    /** DL4J LSTM's default forget-gate bias. */
    public static final double DEFAULT_FORGET_GATE_BIAS = 1.0;

    private double forgetGateBiasInit = DEFAULT_FORGET_GATE_BIAS;

    /** For Jackson. */
    public LstmLayer() {
    }

    protected LstmLayer(Builder builder) {
        super(builder);
        this.forgetGateBiasInit = builder.forgetGateBiasInit;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("LstmLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        if (!(getActivationFn() instanceof ActivationTanH)) {
            throw new InputException("LstmLayer: the cell activation must be tanh (fused kernel), got " + getActivationFn());
        }
        return NativeLayers.wire(new LstmLayerImpl(conf, networkDataType), initializer(), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return LstmParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return null;
    }

    /** Initial value of the forget-gate biases (block f of b). */
    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LstmLayer that && super.equals(o)
                && Double.compare(forgetGateBiasInit, that.forgetGateBiasInit) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), forgetGateBiasInit);
    }

    /** Builder: {@code nIn(k).nOut(n).forgetGateBiasInit(1.0)}; activation tanh. */
    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private double forgetGateBiasInit = DEFAULT_FORGET_GATE_BIAS;

        public Builder() {
            activation(Activation.TANH);
        }

        public Builder forgetGateBiasInit(double value) {
            this.forgetGateBiasInit = value;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public LstmLayer build() {
            return new LstmLayer(this);
        }
    }
}
