package ai.laes.train;

import java.util.ArrayList;
import java.util.List;

import ai.laes.lmn.LinearMemoryLayer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The optimiser of the reference setup: Adam with learning rate {@code learningRate}, weight decay
 * as PyTorch's {@code Adam(weight_decay=...)} does it (an L2 term {@code weightDecay * w} added to
 * the gradient of every weight and bias before the Adam step), and gradient-norm clipping at
 * {@code clipNorm}. DL4J clips per layer ({@link GradientNormalization#ClipL2PerLayer}), not over
 * all parameters at once as {@code torch.nn.utils.clip_grad_norm_}; a clip norm of 0 disables it.
 * <p>
 * For the LMN also the reference's two memory settings ({@link LinearMemoryLayer}): the orthogonality penalty
 * {@code orthogonalityPenalty * ||W_mm W_mm^T - I||_F^2} added to each minibatch loss, and the probability
 * {@code detachProbability} with which each time step's m_{t-1} feeding the functional component is a constant in
 * backpropagation, drawn from {@code detachSeed} and the iteration. The LSTM ignores both.
 */
public record Hyperparameters(double learningRate, double weightDecay, double clipNorm, double orthogonalityPenalty,
                              double detachProbability, long detachSeed) {

    /** Without the LMN's memory settings (no penalty, no detach). */
    public Hyperparameters(double learningRate, double weightDecay, double clipNorm) {
        this(learningRate, weightDecay, clipNorm, 0, 0, 0);
    }

    /**
     * A copy of {@code net} (same parameters, fresh updater state) trained with these hyperparameters (and, for an
     * LMN layer, the memory settings).
     * Set layer by layer, unwrapping {@code LastTimeStep} and other wrappers: DL4J's own
     * TransferLearning fine-tune configuration does not reach a wrapped layer, which then kept the
     * learning rate it was built with.
     */
    public MultiLayerNetwork applyTo(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        for (NeuralNetConfiguration layerConf : conf.getConfs()) {
            Layer layer = layerConf.getLayer();
            while (layer instanceof BaseWrapperLayer wrapper) {
                layer = wrapper.getUnderlying();
            }
            if (layer instanceof BaseLayer base) {
                base.setIUpdater(new Adam(learningRate));
                base.setBiasUpdater(new Adam(learningRate));
                base.setRegularization(withL2(base.getRegularization()));
                base.setRegularizationBias(withL2(base.getRegularizationBias()));
                base.setGradientNormalization(clipNorm > 0 ? GradientNormalization.ClipL2PerLayer : GradientNormalization.None);
                base.setGradientNormalizationThreshold(clipNorm > 0 ? clipNorm : 1.0);
            }
            if (layer instanceof BaseOutputLayer head && head.getLossFn() instanceof LossMCXENT) {
                head.setLossFn(new SoftmaxCrossEntropyLoss()); // a start saved with DL4J's clipped score scores exactly
            }
            if (layer instanceof LinearMemoryLayer lmn) {
                lmn.setOrthogonalityPenalty(orthogonalityPenalty);
                lmn.setDetachProbability(detachProbability);
                lmn.setDetachSeed(detachSeed);
            }
        }
        MultiLayerNetwork copy = new MultiLayerNetwork(conf);
        copy.init(net.params().dup(), false);
        return copy;
    }

    /** {@code existing} without its L2 terms, plus the weight decay as L2 (other terms, e.g. the LMN's orthogonality penalty, stay). */
    private List<Regularization> withL2(List<Regularization> existing) {
        List<Regularization> out = new ArrayList<>();
        if (existing != null) {
            existing.stream().filter(r -> !(r instanceof L2Regularization)).forEach(out::add);
        }
        if (weightDecay > 0) {
            out.add(new L2Regularization(weightDecay));
        }
        return out;
    }

    /** Settings of the {@code RecurrentClassifiers} classifiers: input size, recurrent size (hidden = memory), these hyperparameters, seed. */
    public RecurrentClassifiers.Settings settings(int inputs, int size, int classes, long seed) {
        RecurrentClassifiers.Settings s = RecurrentClassifiers.Settings.reference();
        s.nIn = inputs;
        s.hidden = size;
        s.memory = size;
        s.classes = classes;
        s.learningRate = learningRate;
        s.weightDecay = weightDecay;
        s.clipNorm = clipNorm;
        s.orthogonalityPenalty = orthogonalityPenalty;
        s.detachProbability = detachProbability;
        s.seed = seed;
        return s;
    }
}
