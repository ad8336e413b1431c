package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.data.LabeledSequence;
import ai.laes.data.SequenceExample;
import ai.laes.data.SequenceTask;
import ai.laes.data.SequenceView;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@link Batches}: end-aligned features [b, k, T_b] of any k, a mask only when lengths differ, labels C wide, cropping;
 * MNIST images as before; and the masked batch classified as each sequence alone, to float rounding (the features are
 * float32), through {@link CrossEntropy#logits} and {@link Evaluator}, the mask not left on the network (each sequence
 * alone is classified after the masked batch, unmasked).
 */
class BatchesTest {
    /** Sequence {@code id} of {@code length} steps of k = 2: step t holds (id + t, -(id + t) / 10). */
    static LabeledSequence seq(int id, int label, int length) {
        double[] v = new double[2 * length];
        for (int t = 0; t < length; t++) {
            v[2 * t] = id + t;
            v[2 * t + 1] = -(id + t) / 10.0;
        }
        return new LabeledSequence("s" + id, label, length, v);
    }

    @Test
    void endAlignedFeaturesMaskOnlyWhenNeededAndLabelsCWide() {
        Batches batches = new Batches(2, 3, 0);
        List<LabeledSequence> batch = List.of(seq(10, 2, 3), seq(20, 0, 5));
        INDArray x = batches.features(batch);
        assertArrayEquals(new long[] {2, 2, 5}, x.shape());
        assertEquals(DataType.FLOAT, x.dataType());
        // The short sequence is left-padded: its 3 steps at 2, 3, 4.
        assertArrayEquals(new float[] {0, 0, 10, 11, 12}, x.slice(0).getRow(0).toFloatVector(), 0f);
        assertArrayEquals(new float[] {0, 0, -1f, -1.1f, -1.2f}, x.slice(0).getRow(1).toFloatVector(), 0f);
        assertArrayEquals(new float[] {20, 21, 22, 23, 24}, x.slice(1).getRow(0).toFloatVector(), 0f);
        INDArray mask = batches.mask(batch);
        assertArrayEquals(new float[] {0, 0, 1, 1, 1}, mask.getRow(0).toFloatVector(), 0f);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1}, mask.getRow(1).toFloatVector(), 0f);
        INDArray y = batches.labels(batch);
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertArrayEquals(new float[] {0, 0, 1}, y.getRow(0).toFloatVector(), 0f);
        DataSet d = batches.dataSet(batch);
        assertEquals(mask, d.getFeaturesMaskArray());
        assertNull(d.getLabelsMaskArray());

        List<LabeledSequence> equal = List.of(seq(1, 0, 4), seq(2, 1, 4));
        assertNull(batches.mask(equal), "equal lengths need no mask");
        assertNull(batches.dataSet(equal).getFeaturesMaskArray());
        assertEquals(List.of(batch.get(1)), batches.unpadded(batch));
    }

    @Test
    void croppingKeepsTheLastStepsAndShorterSequencesWhole() {
        Batches batches = new Batches(2, 3, 4);
        List<LabeledSequence> batch = List.of(seq(10, 2, 3), seq(20, 0, 6));
        INDArray x = batches.features(batch);
        assertArrayEquals(new long[] {2, 2, 4}, x.shape());
        assertArrayEquals(new float[] {22, 23, 24, 25}, x.slice(1).getRow(0).toFloatVector(), 0f);
        assertArrayEquals(new float[] {0, 10, 11, 12}, x.slice(0).getRow(0).toFloatVector(), 0f);
        assertArrayEquals(new double[] {22, -2.2, 23, -2.3, 24, -2.4, 25, -2.5}, batches.sequence(batch.get(1)), 1e-12);
    }

    @Test
    void mnistImagesAreTheViewsSequencesInFloat() {
        byte[] pixels = new byte[784];
        for (int p = 0; p < pixels.length; p++) {
            pixels[p] = (byte) (p * 7);
        }
        int[] reversed = new int[784];
        for (int t = 0; t < 784; t++) {
            reversed[t] = 783 - t;
        }
        SequenceView pmnist = new SequenceView(SequenceTask.PMNIST, reversed);
        LabeledImage image = new LabeledImage(5, 3, pixels);
        LabeledImage ordered = pmnist.apply(image);
        assertArrayEquals(pmnist.sequence(pixels), ordered.values(), 0.0, "the values are the view's sequence, bit for bit");
        assertEquals(5, ordered.key());
        Batches batches = Batches.mnist(28);
        INDArray x = batches.features(List.of(ordered, ordered));
        assertArrayEquals(new long[] {2, 1, 28}, x.shape());
        double[] view = pmnist.sequence(pixels);
        for (int t = 0; t < 28; t++) {
            assertEquals((float) view[784 - 28 + t], x.getFloat(1, 0, t), 0f);
        }
        assertNull(batches.mask(List.of(ordered, ordered)));
        assertArrayEquals(new long[] {2, 10}, batches.labels(List.of(ordered, ordered)).shape());
    }

    @Test
    void aMaskedBatchIsClassifiedAsEachSequenceAlone() {
        RecurrentClassifiers.Settings s = RecurrentClassifiers.Settings.reference();
        s.nIn = 2;
        s.hidden = 5;
        s.memory = 5;
        s.classes = 3;
        s.dataType = DataType.DOUBLE;
        MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(s);
        Batches batches = new Batches(2, 3, 0);
        List<SequenceExample> batch = List.of(seq(1, 0, 2), seq(2, 1, 7), seq(3, 2, 4));
        double[][] together = CrossEntropy.logits(net, batches.features(batch), batches.mask(batch));
        for (int i = 0; i < batch.size(); i++) {
            List<SequenceExample> alone = List.of(batch.get(i));
            assertNull(batches.mask(alone));
            assertArrayEquals(CrossEntropy.logits(net, batches.features(alone))[0], together[i], 1e-6, "sequence " + i);
        }
        Evaluator.Result masked = Evaluator.evaluateLocally(net, batch, batches, 3);
        Evaluator.Result single = Evaluator.evaluateLocally(net, batch, batches, 1);
        assertEquals(single.loss(), masked.loss(), 1e-6);
        assertEquals(3, masked.count());
    }
}
