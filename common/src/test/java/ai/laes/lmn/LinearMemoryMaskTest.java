package ai.laes.lmn;

import ai.laes.lmn.init.LmnInitializer;
import ai.laes.recurrent.PaddedBatch;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.Random;

import static ai.laes.lmn.LinearMemoryParamInitializer.W_MH;
import static ai.laes.lmn.LmnFixtures.N_IN;
import static ai.laes.lmn.LmnFixtures.N_M;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Variable lengths in the LMN: an end-aligned (left-padded) batch of sequences of lengths 1, 3, 7, 7 and 12 with its
 * feature mask gives each sequence exactly what it gets alone ({@link PaddedBatch}): outputs of inference and of the
 * training pass, parameter and input gradients, on each of inference's routes (the general one; Wmh = 0, the
 * memory-free route; the LAES start nH = nM, Wmh = 0, Whm = I, whose FLOAT tanh route adds bm inside the tanh loop),
 * in DOUBLE and FLOAT; finite differences with the mask; rnnTimeStep over the padded batch in two chunks.
 */
class LinearMemoryMaskTest {
    private static final int[] LENGTHS = {1, 3, 7, 7, 12};

    /** The LMN's inference routes, by the parameters that select them. */
    enum Route { GENERAL, MEMORY_FREE, LAES_START }

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static MultiLayerNetwork classifier(Route route) {
        if (route == Route.LAES_START) {
            MultiLayerNetwork net = LmnFixtures.net(new LinearMemoryLayer.Builder().nIn(N_IN).nH(N_M).nM(N_M)
                    .activation(Activation.TANH).build(), true, new NoOp(), 31);
            Random rnd = new Random(32);
            LmnInitializer.laes(LinearMemoryForwardTest.gaussian(rnd, N_M, N_IN, 0.5), LinearMemoryForwardTest.gaussian(rnd, N_M, N_M, 0.3), LinearMemoryForwardTest.gaussian(rnd, 1, N_IN, 1.0)[0])
                    .initialise(net, 0);
            return net;
        }
        MultiLayerNetwork net = LmnFixtures.net(true, Activation.TANH, 0.0, new NoOp(), 33);
        if (route == Route.MEMORY_FREE) {
            net.getLayer(0).getParam(W_MH).assign(0);
        }
        return net;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Route.class)
    void aPaddedBatchGivesEachSequenceWhatItGetsAlone(Route route) {
        PaddedBatch batch = PaddedBatch.of(LENGTHS, N_IN, LmnFixtures.CLASSES, 41);
        MultiLayerNetwork net = classifier(route);
        batch.assertPaddingMattersWithoutMask(net, 1e-3);
        batch.assertOutputsEqualAlone(net, 1e-12);
        batch.assertGradientsEqualSumOfAlone(net, 1e-10);
        // FLOAT: the Java tanh routes, to float rounding
        batch.assertOutputsEqualAlone(net.convertDataType(DataType.FLOAT), 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Route.class, names = {"GENERAL", "LAES_START"})
    void gradientsWithALeftPaddedMaskMatchFiniteDifferences(Route route) {
        PaddedBatch batch = PaddedBatch.of(LENGTHS, N_IN, LmnFixtures.CLASSES, 43);
        assertTrue(batch.gradientCheck(classifier(route)), "gradient check failed (see log for the parameters)");
        assertTrue(batch.gradientCheck(classifier(route), batch.maskWithHoles()), "gradient check with holes in the mask");
    }

    /**
     * rnnTimeStep with the mask set on the layers, over the padded batch in two chunks (the second starting from
     * the stored state), equals the masked forward pass of the whole batch, sequence to sequence.
     */
    @Test
    void rnnTimeStepWithAMaskContinuesFromTheStoredState() {
        PaddedBatch batch = PaddedBatch.of(LENGTHS, N_IN, LmnFixtures.CLASSES, 45);
        MultiLayerNetwork net = LmnFixtures.net(false, Activation.TANH, 0.0);
        int T = batch.T, cut = 8;
        INDArray full = net.output(batch.features, false, batch.mask, null);
        net.rnnClearPreviousState();
        INDArray[] parts = new INDArray[2];
        int[][] spans = {{0, cut}, {cut, T}};
        for (int k = 0; k < 2; k++) {
            net.setLayerMaskArrays(batch.mask.get(all(), interval(spans[k][0], spans[k][1])).dup(), null);
            parts[k] = net.rnnTimeStep(batch.features.get(all(), all(), interval(spans[k][0], spans[k][1])).dup());
        }
        net.clearLayerMaskArrays();
        INDArray stepped = Nd4j.concat(2, parts[0], parts[1]);
        assertTrue(full.equalsWithEps(stepped, 1e-12), "rnnTimeStep in chunks differs from the whole masked pass");
    }

    @Test
    void aMaskOtherThanZerosAndOnesIsRefused() {
        PaddedBatch batch = PaddedBatch.of(LENGTHS, N_IN, LmnFixtures.CLASSES, 47);
        MultiLayerNetwork net = classifier(Route.GENERAL);
        INDArray half = batch.mask.mul(0.5);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> net.output(batch.features, false, half, null));
        assertTrue(e.getMessage().contains("0 (padding) or 1"), e.getMessage());
    }
}
