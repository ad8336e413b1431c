package ai.laes.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures how far the training signal reaches back in time: for a minibatch, the mean over the
 * examples i of ||d l_i / d m_t^(i)|| at every step t = 1..T, where l_i is example i's
 * cross-entropy and m_t the recurrent layer's state at step t (the memory of an LMN, the hidden
 * output h_t of an LSTM or SimpleRnn). The gradient is the total derivative through all later
 * steps and the output, without the 1/b of the batch-mean loss. A recurrent layer whose internal
 * epsilons are visible implements this itself; {@link RecurrentInputProbe} covers DL4J's own.
 */
public interface StateGradientProbe {
    /** Per-step mean gradient norms, index t - 1 for step t; {@code features} [b, k, T], {@code labels} [b, C]. */
    double[] meanStateGradientNorms(MultiLayerNetwork net, INDArray features, INDArray labels);
}
