package ai.laes.lmn;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Truncated BPTT through the layer's stored-state forward pass and truncated backward pass. */
class LinearMemoryTbpttTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static MultiLayerNetwork net(int tbpttLength) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1)).list()
                .layer(LmnFixtures.layer(Activation.TANH, 0.0, 0.0))
                .layer(new RnnOutputLayer.Builder().nIn(LmnFixtures.N_M).nOut(LmnFixtures.CLASSES)
                        .activation(Activation.SOFTMAX).build());
        if (tbpttLength > 0) {
            list.backpropType(BackpropType.TruncatedBPTT).tBPTTLength(tbpttLength);
        }
        MultiLayerConfiguration conf = list.build();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    @Test
    void oneSegmentEqualsFullBpttAndShortSegmentsDiffer() {
        DataSet data = new DataSet(LmnFixtures.input(41), LmnFixtures.sequenceLabels(42));
        MultiLayerNetwork full = net(0), oneSegment = net(LmnFixtures.T), segments = net(2);
        INDArray start = full.params().dup();
        full.fit(data);
        oneSegment.fit(data);
        segments.fit(data);
        assertEquals(full.params(), oneSegment.params());
        assertFalse(segments.params().equalsWithEps(full.params(), 1e-8), "segments of 2 truncate the gradient");
        assertFalse(segments.params().equalsWithEps(start, 1e-8), "truncated training moved the parameters");
    }
}
