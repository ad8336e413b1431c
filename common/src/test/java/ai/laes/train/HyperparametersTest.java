package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Hyperparameters given to a loaded network reach every layer, also the LMN inside LastTimeStep. */
class HyperparametersTest {
    @Test
    void learningRateReachesTheWrappedRecurrentLayer() {
        RecurrentClassifiers.Settings s = RecurrentClassifiers.Settings.reference();
        s.hidden = 6;
        s.memory = 6;
        s.learningRate = 1e-2;
        MultiLayerNetwork built = RecurrentClassifiers.lmnClassifier(s);
        MultiLayerNetwork tiny = new Hyperparameters(1e-9, 0, 0).applyTo(built);
        assertEquals(0.0, tiny.params().sub(built.params()).amaxNumber().doubleValue(), 0.0, "same parameters");
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 12);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 10);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i, 1.0);
        }
        INDArray before = tiny.params().dup();
        tiny.fit(new DataSet(x, y));
        double moved = tiny.params().sub(before).amaxNumber().doubleValue();
        assertTrue(moved < 1e-7, "Adam(1e-9) moved a parameter by " + moved);
        MultiLayerNetwork fast = new Hyperparameters(1e-2, 0, 0).applyTo(built);
        fast.fit(new DataSet(x, y));
        assertTrue(fast.params().sub(before).amaxNumber().doubleValue() > 1e-3, "Adam(1e-2) takes steps of about 1e-2");
    }
}
