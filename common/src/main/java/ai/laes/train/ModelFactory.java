package ai.laes.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Builds a fresh, initialised sequence classifier: input [batch, 1, T] (NCW), a recurrent layer
 * first, a 10-class softmax output trained with multi-class cross-entropy.
 */
public interface ModelFactory {
    /** A new network whose random initialisation is drawn from {@code seed}. */
    MultiLayerNetwork create(long seed);

    /** How to measure ||dL/dm_t|| for this model's recurrent state; the LSTM / SimpleRnn probe by default. */
    default StateGradientProbe probe() {
        return new RecurrentInputProbe();
    }
}
