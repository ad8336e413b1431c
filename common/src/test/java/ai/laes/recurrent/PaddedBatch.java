package ai.laes.recurrent;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * Sequences of different lengths, each alone ([1, k, L], no mask) and as one end-aligned batch (left-padded to the
 * longest, [n, k, T], with a feature mask [n, T]), and the checks that a recurrent classifier (recurrent layer ->
 * LastTimeStep -> OutputLayer) treats every sequence in the batch exactly as alone: outputs, parameter gradients
 * (the batch's summed loss against the sum of the sequences' own) and input gradients (equal on the real steps,
 * exactly zero on the padding). The padded steps hold random values, not zeros, so a layer that lets padding
 * through fails the checks; {@link #assertPaddingMattersWithoutMask} shows that it would.
 */
public final class PaddedBatch {
    public final int[] lengths;
    public final int nIn, T;
    public final INDArray[] alone, aloneLabels;
    public final INDArray features, mask, labels;
    /** The same sequences start-aligned (padded at the end, with the same noise), and their mask. */
    public final INDArray startAligned, startMask;

    private PaddedBatch(int[] lengths, int nIn, int classes, long seed) {
        this.lengths = lengths.clone();
        this.nIn = nIn;
        int n = lengths.length, longest = 0;
        for (int len : lengths) {
            longest = Math.max(longest, len);
        }
        T = longest;
        Random rnd = new Random(seed);
        features = Nd4j.create(DataType.DOUBLE, n, nIn, T);
        startAligned = Nd4j.create(DataType.DOUBLE, n, nIn, T);
        mask = Nd4j.zeros(DataType.DOUBLE, n, T);
        startMask = Nd4j.zeros(DataType.DOUBLE, n, T);
        labels = Nd4j.zeros(DataType.DOUBLE, n, classes);
        alone = new INDArray[n];
        aloneLabels = new INDArray[n];
        for (int i = 0; i < n; i++) {
            int start = T - lengths[i];
            alone[i] = Nd4j.create(DataType.DOUBLE, 1, nIn, lengths[i]);
            for (int j = 0; j < nIn; j++) {
                for (int t = 0; t < T; t++) {
                    double v = rnd.nextGaussian();
                    features.putScalar(new int[]{i, j, t}, t < start ? 3 * v : v); // padding: noise, not zeros
                    if (t >= start) {
                        alone[i].putScalar(new int[]{0, j, t - start}, v);
                    }
                    startAligned.putScalar(new int[]{i, j, (t + lengths[i]) % T}, t < start ? 3 * v : v);
                }
            }
            mask.get(point(i), interval(start, T)).assign(1);
            startMask.get(point(i), interval(0, lengths[i])).assign(1);
            int label = rnd.nextInt(classes);
            labels.putScalar(i, label, 1.0);
            aloneLabels[i] = Nd4j.zeros(DataType.DOUBLE, 1, classes);
            aloneLabels[i].putScalar(0, label, 1.0);
        }
    }

    /** Random sequences of these lengths with {@code nIn} inputs and one of {@code classes} labels each. */
    public static PaddedBatch of(int[] lengths, int nIn, int classes, long seed) {
        return new PaddedBatch(lengths, nIn, classes, seed);
    }

    /**
     * The network's outputs for the padded batch (inference, {@code output(x, false, mask, null)}, and the training
     * forward pass, {@code output(x, true, mask, null)}), row by row, equal those of each sequence alone within
     * {@code tol}, and inference equals the training pass within {@code tol}. In the network's data type.
     */
    public void assertOutputsEqualAlone(MultiLayerNetwork net, double tol) {
        DataType dt = net.getLayerWiseConfigurations().getDataType();
        INDArray inference = net.output(features.castTo(dt), false, mask.castTo(dt), null).castTo(DataType.DOUBLE);
        INDArray training = net.output(features.castTo(dt), true, mask.castTo(dt), null).castTo(DataType.DOUBLE);
        assertClose(training, inference, tol, "inference against the training forward pass, masked");
        for (int i = 0; i < lengths.length; i++) {
            INDArray own = net.output(alone[i].castTo(dt), false).castTo(DataType.DOUBLE);
            assertClose(own, inference.getRow(i, true), tol, "inference, sequence " + i + " (length " + lengths[i] + ")");
            INDArray ownTraining = net.output(alone[i].castTo(dt), true).castTo(DataType.DOUBLE);
            assertClose(ownTraining, training.getRow(i, true), tol, "training pass, sequence " + i);
        }
    }

    /** Without the mask the padding changes the outputs of the padded sequences by more than {@code atLeast}. */
    public void assertPaddingMattersWithoutMask(MultiLayerNetwork net, double atLeast) {
        INDArray unmasked = net.output(features, false);
        double worst = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < T) {
                worst = Math.max(worst, Math.abs(net.output(alone[i], false).sub(unmasked.getRow(i, true)).amaxNumber().doubleValue()));
            }
        }
        assertTrue(worst > atLeast, "the padding must change the unmasked outputs (so the masked checks can fail), got " + worst);
    }

    /**
     * The parameter gradient of the batch's summed loss equals the sum over the sequences of each one's gradient
     * alone within relative {@code tol} (of each gradient's largest entry): the network's whole gradient as fit
     * computes it ({@code computeGradientAndScore}). And the input gradient of the recurrent layer (layer 0, inside
     * LastTimeStep), given the same gradient {@code dL/dh_T} per sequence from above: on each sequence's real steps
     * equal to its gradient alone within {@code tol}, on its padded steps exactly 0; its parameter gradient again
     * the sum of the sequences' own. DOUBLE networks.
     * <p>
     * Not through {@code MultiLayerNetwork.calculateGradients}: in DL4J 1.0.0-M2 it hands the feature mask to the
     * output layer as its label mask ({@code ffToLayerActivationsInWs(..., input, mask, fMask)}), which a LastTimeStep
     * classifier refuses ("Invalid mask array ... Mask shape: [5, 12], output shape: [5, 3]").
     */
    public void assertGradientsEqualSumOfAlone(MultiLayerNetwork net, double tol) {
        INDArray batchGrad = networkGradient(net, features, labels, mask);
        INDArray sum = null;
        for (int i = 0; i < lengths.length; i++) {
            INDArray own = networkGradient(net, alone[i], aloneLabels[i], null);
            sum = sum == null ? own : sum.addi(own);
        }
        assertRelative(sum, batchGrad, tol, "network gradient (fit's computeGradientAndScore)");

        Layer rnn = net.getLayer(0);
        long size = net.getLayer(1).getParam("W").size(0);
        Random rnd = new Random(lengths.length);
        INDArray fromAbove = Nd4j.create(DataType.DOUBLE, lengths.length, size);
        for (int i = 0; i < lengths.length; i++) {
            for (int j = 0; j < size; j++) {
                fromAbove.putScalar(i, j, rnd.nextGaussian());
            }
        }
        Pair<INDArray, INDArray> batch = layerGradients(rnn, features, mask, fromAbove);
        INDArray layerSum = null;
        for (int i = 0; i < lengths.length; i++) {
            Pair<INDArray, INDArray> own = layerGradients(rnn, alone[i], null, fromAbove.getRow(i, true));
            layerSum = layerSum == null ? own.getFirst() : layerSum.addi(own.getFirst());
            int start = T - lengths[i];
            INDArray real = batch.getSecond().get(point(i), all(), interval(start, T)).reshape(1, nIn, lengths[i]);
            assertRelative(own.getSecond(), real, tol, "dL/dx of sequence " + i + " (length " + lengths[i] + ")");
            if (start > 0) {
                INDArray pad = batch.getSecond().get(point(i), all(), interval(0, start));
                assertEquals(0.0, pad.amaxNumber().doubleValue(), 0.0, "dL/dx on the padding of sequence " + i);
            }
        }
        assertRelative(layerSum, batch.getFirst(), tol, "recurrent layer's parameter gradient");
    }

    /** The flattened gradient of the summed loss of {@code x} under {@code featureMask}, as fit computes it, a copy. */
    public INDArray networkGradient(MultiLayerNetwork net, INDArray x, INDArray featureMask) {
        return networkGradient(net, x, labels, featureMask);
    }

    /** The flattened gradient of the summed loss as fit computes it, a copy. */
    private static INDArray networkGradient(MultiLayerNetwork net, INDArray x, INDArray y, INDArray featureMask) {
        net.setInput(x);
        net.setLabels(y);
        net.setLayerMaskArrays(featureMask, null);
        net.computeGradientAndScore();
        net.clearLayerMaskArrays();
        return net.gradient().gradient().dup();
    }

    /** Layer {@code rnn}'s (parameter gradient, input gradient) for {@code eps} from above, copies. */
    private static Pair<INDArray, INDArray> layerGradients(Layer rnn, INDArray x, INDArray featureMask, INDArray eps) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        rnn.feedForwardMaskArray(featureMask, featureMask == null ? null : MaskState.Active, (int) x.size(0));
        rnn.activate(x, true, mgr);
        Pair<Gradient, INDArray> p = rnn.backpropGradient(eps, mgr);
        INDArray g = p.getFirst().gradient().dup(), dx = p.getSecond().dup();
        rnn.clear();
        rnn.setMaskArray(null);
        return new Pair<>(g, dx);
    }

    /**
     * DL4J's central-difference check (step 1e-6) of every parameter on the padded batch with its mask (DOUBLE
     * network), at relative error 1e-6 except where the analytic and numeric values differ by less than 1e-9: the
     * rounding floor of the difference quotient, machine epsilon x score / step = 1e-16 x ~1 / 1e-6, a few times over
     * (the LSTM's smallest entries, ~1e-4, differ by 3e-10 and 5e-10, relative 1.1e-6 and 2.0e-6, measured, where
     * the padded batch's gradient equals the sum of the sequences' own to 1e-10).
     */
    public boolean gradientCheck(MultiLayerNetwork net) {
        return gradientCheck(net, mask);
    }

    /** {@link #gradientCheck(MultiLayerNetwork)} under another mask of the padded batch's shape. */
    public boolean gradientCheck(MultiLayerNetwork net, INDArray featureMask) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(features)
                .labels(labels).inputMask(featureMask).epsilon(1e-6).maxRelError(1e-6).minAbsoluteError(1e-9));
    }

    /**
     * The mask with padded steps inside the real ones too (steps 2 and 5 of the longest sequence, the last row):
     * each later segment starts from the reset state, and no gradient may cross a padded step backwards (in an
     * end-aligned batch nothing real lies before padding, so only such a mask tests that).
     */
    public INDArray maskWithHoles() {
        INDArray m = mask.dup();
        m.putScalar(lengths.length - 1, 2, 0.0);
        m.putScalar(lengths.length - 1, 5, 0.0);
        return m;
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertTrue(expected.equalShapes(actual), what + ": shapes " + expected.shapeInfoToString() + " vs " + actual.shapeInfoToString());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tol, what + ": max |difference| " + diff + " > " + tol);
    }

    private static void assertRelative(INDArray expected, INDArray actual, double tol, String what) {
        assertTrue(expected.equalShapes(actual), what + ": shapes " + expected.shapeInfoToString() + " vs " + actual.shapeInfoToString());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(scale > 0, what + ": all zero");
        assertTrue(diff <= tol * scale, what + ": max |difference| " + diff + " at scale " + scale);
    }
}
