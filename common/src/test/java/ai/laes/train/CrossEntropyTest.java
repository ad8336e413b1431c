package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.lmn.init.LmnInitializer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The loss our jobs report is the reference's cross-entropy, also where DL4J's score is capped: a classifier whose
 * logits differ by hundreds (its head scaled up) is scored by {@link Evaluator} and by the training score, and both
 * equal a cross-entropy computed here from the network's state and head parameters by another route (plain loops,
 * log-sum-exp shifted by the label's logit instead of the maximum).
 */
class CrossEntropyTest {
    private static final int SIZE = 8;
    private static final int STEPS = 20;

    /** An LMN classifier in double whose head is multiplied by {@code scale} (logits of order tens to hundreds). */
    private static MultiLayerNetwork confident(double scale) {
        RecurrentClassifiers.Settings s = new Hyperparameters(1e-3, 1e-5, 10.0).settings(1, SIZE, 10, 5);
        s.dataType = DataType.DOUBLE;
        MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(s);
        LmnInitializer.orthogonal(5).initialise(net, 0);
        net.getLayer(1).getParam("W").muli(scale);
        net.getLayer(1).getParam("b").muli(scale);
        return net;
    }

    /** Mean cross-entropy by a route independent of {@link CrossEntropy}: logits by loops, log sum_c exp(z_c - z_y). */
    private static double independentLoss(MultiLayerNetwork net, INDArray features, INDArray labels) {
        INDArray state = net.feedForwardToLayer(0, features, false).get(1);
        double[][] w = net.getLayer(1).getParam("W").toDoubleMatrix();
        double[] b = net.getLayer(1).getParam("b").toDoubleVector();
        double sum = 0;
        for (int i = 0; i < state.rows(); i++) {
            double[] z = new double[b.length];
            for (int c = 0; c < b.length; c++) {
                z[c] = b[c];
                for (int j = 0; j < w.length; j++) {
                    z[c] += state.getDouble(i, j) * w[j][c];
                }
            }
            int y = labels.getRow(i).argMax().getInt(0);
            double s = 0;
            for (double v : z) {
                s += Math.exp(v - z[y]);
            }
            sum += Math.log(s);
        }
        return sum / state.rows();
    }

    @Test
    void reportedLossesEqualTheExactCrossEntropyWhereDl4jWouldCapThem() {
        List<LabeledImage> images = TrainFixtures.images(40, 3);
        Batches batches = TrainFixtures.batches(STEPS);
        MultiLayerNetwork net = confident(300);
        INDArray x = batches.features(images).castTo(DataType.DOUBLE);
        INDArray y = batches.labels(images).castTo(DataType.DOUBLE);
        double exact = independentLoss(net, x, y);
        assertTrue(exact > 50, "the fixture must be far past DL4J's cap of 23.03, got " + exact);

        Evaluator.Result evaluated = Evaluator.evaluateLocally(net, images, batches, 16);
        assertEquals(exact, evaluated.loss(), 1e-9 * exact, "the evaluation's loss");

        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        assertEquals(exact, CrossEntropy.withoutRegularisation(net, net.score()), 1e-9 * exact, "the training score");

        MultiLayerNetwork capped = confident(300);
        ((BaseOutputLayer) capped.getLayerWiseConfigurations().getConf(1).getLayer()).setLossFn(new LossMCXENT());
        capped = new MultiLayerNetwork(capped.getLayerWiseConfigurations().clone());
        capped.init(net.params().dup(), false);
        assertTrue(capped.score(new DataSet(x, y)) < 23.1 + capped.calcRegularizationScore(true), "DL4J's own score is capped");
    }

    @Test
    void theGradientIsDl4jsAndTheLossSurvivesSerialisation() throws Exception {
        List<LabeledImage> images = TrainFixtures.images(24, 4);
        Batches batches = TrainFixtures.batches(STEPS);
        INDArray x = batches.features(images).castTo(DataType.DOUBLE);
        INDArray y = batches.labels(images).castTo(DataType.DOUBLE);
        MultiLayerNetwork ours = confident(0.01);
        MultiLayerNetwork theirs = new MultiLayerNetwork(ours.getLayerWiseConfigurations().clone());
        ((BaseOutputLayer) theirs.getLayerWiseConfigurations().getConf(1).getLayer()).setLossFn(new LossMCXENT());
        theirs.init(ours.params().dup(), false);
        Gradient g1 = ours.calculateGradients(x, y, null, null).getFirst();
        Gradient g2 = theirs.calculateGradients(x, y, null, null).getFirst();
        assertArrayEquals(g2.gradient().toDoubleVector(), g1.gradient().toDoubleVector(), 1e-15);
        assertEquals(theirs.score(new DataSet(x, y)), ours.score(new DataSet(x, y)), 1e-12, "the same score where nothing is clipped");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(ours, bytes, false);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), false);
        assertInstanceOf(SoftmaxCrossEntropyLoss.class,
                ((BaseOutputLayer) restored.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn());
    }
}
