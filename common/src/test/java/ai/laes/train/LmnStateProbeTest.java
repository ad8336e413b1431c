package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.lmn.init.LmnInitializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The LMN probe: at the last step dL/dm_T = W_out^T (softmax(W_out m_T + b_out) - y), per example. */
class LmnStateProbeTest {
    @Test
    void lastStepMatchesTheOutputLayerGradientAndEarlierStepsAreFinite() {
        RecurrentClassifiers.Settings s = RecurrentClassifiers.Settings.reference();
        s.nIn = 1;
        s.hidden = 6;
        s.memory = 6;
        s.dataType = DataType.DOUBLE;
        s.clipNorm = 0;
        s.weightDecay = 0;
        MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(s);
        LmnInitializer.orthogonal(7).initialise(net, 0);
        int b = 5;
        int t = 9;
        INDArray x = Nd4j.rand(DataType.DOUBLE, b, 1, t);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, b, 10);
        for (int i = 0; i < b; i++) {
            y.putScalar(i, (i * 3) % 10, 1.0);
        }
        double[] norms = new LmnStateProbe().meanStateGradientNorms(net, x, y);
        assertEquals(t, norms.length);

        INDArray mT = net.feedForwardToLayer(0, x, false).get(1);
        INDArray w = net.getLayer(1).getParam("W");
        INDArray bias = net.getLayer(1).getParam("b");
        INDArray p = Transforms.softmax(mT.mmul(w).addRowVector(bias));
        INDArray g = p.sub(y).mmul(w.transpose());
        double expected = g.norm2(1).meanNumber().doubleValue();
        assertEquals(expected, norms[t - 1], 1e-9 * expected);
        for (double n : norms) {
            assertTrue(Double.isFinite(n) && n > 0);
        }
    }
}
