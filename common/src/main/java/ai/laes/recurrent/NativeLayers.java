package ai.laes.recurrent;

import java.util.Collection;

import ai.laes.numerics.BlasCanary;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What DL4J's {@code Layer.instantiate} does for our native recurrent layers (the LMN and the LSTM), in one place. */
public final class NativeLayers {
    private NativeLayers() {
    }

    /**
     * Checks this JVM's SGEMM / DGEMM once ({@link BlasCanary}, before the layer's first step), then wires
     * {@code layer} as DL4J's built-in layers are: listeners, index, the parameter view and its table from
     * {@code initializer} (initialised when {@code initializeParams}), the configuration.
     */
    public static <L extends BaseLayer<?>> Layer wire(L layer, ParamInitializer initializer, NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initializeParams) {
        BlasCanary.verifyOnce();
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
