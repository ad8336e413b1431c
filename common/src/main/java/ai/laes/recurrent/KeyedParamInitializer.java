package ai.laes.recurrent;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * The key bookkeeping DL4J's {@link ParamInitializer} asks of every layer (which keys exist, which are weights, which
 * biases), from two fixed lists, for our native recurrent layers (the LMN and the LSTM): each subclass states its
 * parameter count, layout and initial values only.
 */
public abstract class KeyedParamInitializer implements ParamInitializer {
    private final List<String> weightKeys;
    private final List<String> biasKeys;
    private final List<String> allKeys;

    /** {@code weightKeys} then {@code biasKeys}, in the order of the flat parameter view. */
    protected KeyedParamInitializer(List<String> weightKeys, List<String> biasKeys) {
        this.weightKeys = List.copyOf(weightKeys);
        this.biasKeys = List.copyOf(biasKeys);
        List<String> all = new ArrayList<>(weightKeys);
        all.addAll(biasKeys);
        this.allKeys = List.copyOf(all);
    }

    @Override
    public final long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public final List<String> paramKeys(Layer layer) {
        return allKeys;
    }

    @Override
    public final List<String> weightKeys(Layer layer) {
        return weightKeys;
    }

    @Override
    public final List<String> biasKeys(Layer layer) {
        return biasKeys;
    }

    @Override
    public final boolean isWeightParam(Layer layer, String key) {
        return weightKeys.contains(key);
    }

    @Override
    public final boolean isBiasParam(Layer layer, String key) {
        return biasKeys.contains(key);
    }
}
