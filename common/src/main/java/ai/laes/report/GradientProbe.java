package ai.laes.report;

import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.data.SequenceView;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The report's measurement of claim (2), "better gradient propagation during the fine-tuning phase": the mean over a
 * fixed batch of training sequences of ||dL/dm_t||, t = 1..T, L each sequence's cross-entropy under the network's
 * own output layer, in float64 ({@link MemoryGradients}). The same batch is probed at the first iteration of every
 * fine-tuning epoch and after the last one, so the epochs differ only in the network.
 *
 * @param features the probe batch [batch, nIn, T] in float64
 * @param labels   its labels
 */
public record GradientProbe(INDArray features, int[] labels) {

    /**
     * The norms after {@code epoch} completed fine-tuning epochs (0: the network fine-tuning starts from, probed at
     * the first iteration of epoch 1; e: at the first iteration of epoch e + 1, or after the last epoch).
     */
    public record At(int epoch, double[] norms) {
        /** ||dL/dm_1|| / ||dL/dm_T||: below 1 the gradient shrinks on its way back to step 1, above 1 it grows. */
        public double ratio() {
            return norms[0] / norms[norms.length - 1];
        }
    }

    /** The probe of {@code images} seen through {@code view}. */
    public static GradientProbe of(List<LabeledImage> images, SequenceView view) {
        return new GradientProbe(view.features(images, DataType.DOUBLE), images.stream().mapToInt(LabeledImage::label).toArray());
    }

    /** {@code net}'s norms after {@code epoch} completed epochs. */
    public At at(int epoch, MultiLayerNetwork net) {
        return new At(epoch, MemoryGradients.of(net).meanNorms(features, labels));
    }
}
