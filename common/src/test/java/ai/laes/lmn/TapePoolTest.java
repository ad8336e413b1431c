package ai.laes.lmn;

import java.util.Random;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

/** Tapes pass from a collected layer to the next layer of its shape, never between live layers, and carry nothing over. */
class TapePoolTest {
    /** Lengths no other test uses, one per test, so the pool's idle tapes of a shape are that test's own. */
    private static final int T_COLLECTED = 11, T_RESHAPED = 13, T_LONG = 19, T_SHORT = 8;

    @Test
    void aGoneLayersTapeGoesToTheNextLayerOfItsShapeAndCarriesNothingOver() throws InterruptedException {
        settle(); // earlier tests' layers, collected later, would return their tapes after this one's and evict it
        MultiLayerNetwork first = LmnFixtures.net(false, Activation.TANH, 0.0);
        // other data, a mask and a stored memory state (rnnTimeStep twice: m_0 != 0) leave their values in the tape
        Nd4j.getRandom().setSeed(6);
        INDArray steps = Nd4j.randn(DataType.DOUBLE, LmnFixtures.BATCH, LmnFixtures.N_IN, T_COLLECTED);
        first.rnnTimeStep(steps);
        first.rnnTimeStep(steps);
        gradient(first, T_COLLECTED, 7, true);
        LmnTape used = layer(first).tape();

        MultiLayerNetwork live = LmnFixtures.net(false, Activation.TANH, 0.0);
        double[] fresh = gradient(live, T_COLLECTED, 8, false);
        assertNotSame(used, layer(live).tape(), "two live layers must not share a tape");

        first = null; // the only reference: its tape returns to the pool once the layer is collected
        awaitIdle(used);
        MultiLayerNetwork next = LmnFixtures.net(false, Activation.TANH, 0.0);
        double[] reused = gradient(next, T_COLLECTED, 8, false);
        assertSame(used, layer(next).tape(), "the collected layer's tape is handed to the next layer of its shape");
        assertArrayEquals(fresh, reused, "a reused tape gives the gradients and score of a fresh one, bit for bit");
    }

    @Test
    void aLayerThatChangesShapeGivesItsOldTapeBackAtOnce() throws InterruptedException {
        settle();
        MultiLayerNetwork net = LmnFixtures.net(false, Activation.TANH, 0.0);
        gradient(net, T_RESHAPED, 9, false);
        LmnTape old = layer(net).tape();
        net.feedForward(Nd4j.randn(DataType.DOUBLE, 2, LmnFixtures.N_IN, T_RESHAPED), true); // another batch size: another tape
        assertNotSame(old, layer(net).tape());
        MultiLayerNetwork other = LmnFixtures.net(false, Activation.TANH, 0.0);
        gradient(other, T_RESHAPED, 10, false);
        assertSame(old, layer(other).tape());
    }

    /**
     * A layer keeps its tape for a shorter pass (its capacity is the longest length seen), and the shorter pass gives
     * bit for bit what the same network gives on a fresh tape, after the longer pass left its values in the rows
     * past the shorter length; a longer pass than the capacity takes another tape.
     */
    @Test
    void aShorterPassRunsOnTheLongerTapeAndGivesWhatAFreshTapeGives() {
        MultiLayerNetwork net = LmnFixtures.net(false, Activation.TANH, 0.0);
        gradient(net, T_LONG, 14, true);
        LmnTape long_ = layer(net).tape();
        double[] onLongTape = gradient(net, T_SHORT, 15, false);
        assertSame(long_, layer(net).tape(), "the shorter pass keeps the layer's tape");
        assertEquals(T_SHORT, long_.T);
        double[] norms = layer(net).memoryGradientNorms();
        assertEquals(T_SHORT, norms.length);

        MultiLayerNetwork fresh = LmnFixtures.net(false, Activation.TANH, 0.0);
        fresh.setParams(net.params().dup());
        double[] onFreshTape = gradient(fresh, T_SHORT, 15, false);
        assertArrayEquals(onFreshTape, onLongTape, "a pass on a longer tape gives what it gives on its own");
        assertArrayEquals(layer(fresh).memoryGradientNorms(), norms);

        gradient(net, T_LONG + 1, 16, false);
        assertNotSame(long_, layer(net).tape(), "a pass longer than the capacity takes another tape");
    }

    /** Gradient and score of the sequence-to-sequence fixture network on seeded data of length T. */
    private static double[] gradient(MultiLayerNetwork net, int T, long seed, boolean masked) {
        Nd4j.getRandom().setSeed(seed);
        INDArray in = Nd4j.randn(DataType.DOUBLE, LmnFixtures.BATCH, LmnFixtures.N_IN, T);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, LmnFixtures.BATCH, LmnFixtures.CLASSES, T);
        Random rnd = new Random(seed);
        for (int i = 0; i < LmnFixtures.BATCH; i++) {
            for (int t = 0; t < T; t++) {
                labels.putScalar(new int[]{i, rnd.nextInt(LmnFixtures.CLASSES), t}, 1.0);
            }
        }
        INDArray mask = null;
        if (masked) {
            mask = Nd4j.ones(DataType.DOUBLE, LmnFixtures.BATCH, T);
            mask.getRow(1).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(T - 3, T)).assign(0);
        }
        net.setInput(in);
        net.setLabels(labels);
        net.clearLayerMaskArrays(); // setLayerMaskArrays(null, null) would leave an earlier call's mask in place
        net.setLayerMaskArrays(mask, mask);
        net.computeGradientAndScore();
        double[] g = net.gradient().gradient().toDoubleVector();
        double[] out = java.util.Arrays.copyOf(g, g.length + 1);
        out[g.length] = net.score();
        return out;
    }

    private static LinearMemoryLayerImpl layer(MultiLayerNetwork net) {
        return (LinearMemoryLayerImpl) net.getLayer(0);
    }

    /** Collects until no more tapes come back (three quiet rounds in a row). */
    private static void settle() throws InterruptedException {
        long returned = -1;
        for (int quiet = 0, i = 0; quiet < 3 && i < 100; i++) {
            System.gc();
            Thread.sleep(50);
            long now = TapePool.returned();
            quiet = now == returned ? quiet + 1 : 0;
            returned = now;
        }
    }

    /** Collects until the tape is idle in the pool (a cleaner runs after the GC finds its layer unreachable). */
    private static void awaitIdle(LmnTape tape) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            System.gc();
            Thread.sleep(50);
            if (TapePool.isIdle(tape)) {
                return;
            }
        }
        fail("the collected layer's tape never returned to the pool");
    }
}
