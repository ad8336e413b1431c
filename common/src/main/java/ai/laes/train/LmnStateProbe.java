package ai.laes.train;

import ai.laes.lmn.LinearMemoryLayerImpl;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The probe for an LMN classifier: one backward pass on a copy of the network, then the layer's own
 * BPTT epsilons dL/dm_t. DL4J's output layer hands back the gradient of each example's own loss
 * (the 1/b of the batch mean is applied to the parameter gradients only), as
 * {@link StateGradientProbe} defines; the test checks this at the last step against the output layer.
 */
public final class LmnStateProbe implements StateGradientProbe {
    @Override
    public double[] meanStateGradientNorms(MultiLayerNetwork net, INDArray features, INDArray labels) {
        MultiLayerNetwork copy = net.clone();
        copy.setInput(features);
        copy.setLabels(labels);
        copy.computeGradientAndScore();
        Layer layer = LinearMemoryLayerImpl.unwrapped(copy.getLayer(0));
        if (!(layer instanceof LinearMemoryLayerImpl lmn)) {
            throw new IllegalArgumentException("LmnStateProbe needs a LinearMemoryLayer first, got " + layer.getClass().getSimpleName());
        }
        return lmn.memoryGradientNorms();
    }
}
