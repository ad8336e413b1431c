package ai.laes.train;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The optimiser of the reference setup: Adam with learning rate {@code learningRate}, weight decay
 * as PyTorch's {@code Adam(weight_decay=...)} does it (an L2 term {@code weightDecay * w} added to
 * the gradient of every weight and bias before the Adam step), and gradient-norm clipping at
 * {@code clipNorm}. DL4J clips per layer ({@link GradientNormalization#ClipL2PerLayer}), not over
 * all parameters at once as {@code torch.nn.utils.clip_grad_norm_}; a clip norm of 0 disables it.
 */
public record Hyperparameters(double learningRate, double weightDecay, double clipNorm) {

    /** Applies the optimiser to a network configuration being built. */
    public NeuralNetConfiguration.Builder configure(NeuralNetConfiguration.Builder b) {
        b.updater(new Adam(learningRate)).l2(weightDecay).l2Bias(weightDecay);
        if (clipNorm > 0) {
            b.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(clipNorm);
        }
        return b;
    }

    /** A copy of {@code net} (same parameters, fresh updater state) trained with these hyperparameters. */
    public MultiLayerNetwork applyTo(MultiLayerNetwork net) {
        FineTuneConfiguration.Builder f = new FineTuneConfiguration.Builder()
                .updater(new Adam(learningRate)).l2(weightDecay).l2Bias(weightDecay);
        if (clipNorm > 0) {
            f.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(clipNorm);
        } else {
            f.gradientNormalization(GradientNormalization.None);
        }
        return new TransferLearning.Builder(net).fineTuneConfiguration(f.build()).build();
    }
}
