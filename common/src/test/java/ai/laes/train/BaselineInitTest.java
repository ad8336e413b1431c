package ai.laes.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;

import ai.laes.lmn.LinearMemoryParamInitializer;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.lmn.init.LmnParameters;
import ai.laes.lstm.LstmReferenceInit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The paper's baselines follow the reference implementation's distributions (rnn_nograd/rnn_modules.py,
 * train_mnist.py, cannon's OrthogonalInit), block by block: each block's sample mean and standard deviation lie
 * within six standard errors of the distribution's, for every seed tried and pooled over the seeds (so a correct draw
 * passes for any seed, while a wrong gain, fan, scale or a zero bias fails), and the orthogonal W_mm is orthonormal.
 */
class BaselineInitTest {
    static final int N_IN = 24, HIDDEN = 96, MEMORY = 128, CLASSES = 10;
    static final long[] SEEDS = {1, 2, 3, 42, 1234};
    static final double GAIN = 0.9;

    /** Values pooled over the seeds, checked per seed as they come. */
    static final class Block {
        final String name;
        final double mean, std;
        final List<double[]> draws = new ArrayList<>();

        Block(String name, double mean, double std) {
            this.name = name;
            this.mean = mean;
            this.std = std;
        }

        void add(long seed, double[] values) {
            check(name + ", seed " + seed, values);
            draws.add(values);
        }

        void checkPooled() {
            check(name + ", pooled over " + draws.size() + " seeds", draws.stream().flatMapToDouble(Arrays::stream).toArray());
        }

        /** Sample mean within 6 std / sqrt(n), sample std within 6 std / sqrt(2n) (Gaussian-tight; a uniform is tighter). */
        void check(String what, double[] v) {
            int n = v.length;
            double m = Arrays.stream(v).average().orElseThrow();
            double s = Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (n - 1));
            assertEquals(mean, m, 6 * std / Math.sqrt(n), what + ": mean");
            assertEquals(std, s, 6 * std / Math.sqrt(2.0 * n), what + ": standard deviation");
        }
    }

    static double xavier(int fanIn, int fanOut) {
        return GAIN * Math.sqrt(2.0 / (fanIn + fanOut));
    }

    /** Reference settings in double precision, {@code nIn} inputs, {@code hidden} units, {@code memory} memory units. */
    static RecurrentClassifiers.Settings settings(int nIn, int hidden, int memory, long seed) {
        RecurrentClassifiers.Settings s = RecurrentClassifiers.Settings.reference();
        s.nIn = nIn;
        s.hidden = hidden;
        s.memory = memory;
        s.seed = seed;
        s.dataType = DataType.DOUBLE;
        return s;
    }

    static MultiLayerNetwork lmn(LmnInitializer init) {
        MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(settings(N_IN, HIDDEN, MEMORY, 42));
        init.initialise(net, 0);
        return net;
    }

    static double[] flat(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
    }

    void checkLmn(LongFunction<LmnInitializer> scheme, boolean orthogonal) {
        Block wxh = new Block("W_xh", 0, xavier(N_IN, HIDDEN));
        Block wmh = new Block("W_mh", 0, xavier(MEMORY, HIDDEN));
        Block whm = new Block("W_hm", 0, xavier(HIDDEN, MEMORY));
        Block wmm = new Block("W_mm", 0, orthogonal ? 1 / Math.sqrt(MEMORY) : xavier(MEMORY, MEMORY));
        Block bh = new Block("b_h", 0, 1);
        Block bm = new Block("b_m", 0, 1);
        for (long seed : SEEDS) {
            LmnParameters p = LmnParameters.of(lmn(scheme.apply(seed)), 0);
            wxh.add(seed, flat(p.columnForm(LinearMemoryParamInitializer.W_XH)));
            wmh.add(seed, flat(p.columnForm(LinearMemoryParamInitializer.W_MH)));
            whm.add(seed, flat(p.columnForm(LinearMemoryParamInitializer.W_HM)));
            double[][] memory = p.columnForm(LinearMemoryParamInitializer.W_MM);
            wmm.add(seed, flat(memory));
            bh.add(seed, p.vector(LinearMemoryParamInitializer.B_H));
            bm.add(seed, p.vector(LinearMemoryParamInitializer.B_M));
            if (orthogonal) {
                assertOrthonormal(memory, seed);
            }
        }
        for (Block b : List.of(wxh, wmh, whm, wmm, bh, bm)) {
            b.checkPooled();
        }
    }

    static void assertOrthonormal(double[][] w, long seed) {
        int n = w.length;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    dot += w[k][i] * w[k][j];
                }
                worst = Math.max(worst, Math.abs(dot - (i == j ? 1 : 0)));
            }
        }
        assertTrue(worst < 1e-12, "seed " + seed + ": max |W_mm^T W_mm - I| = " + worst);
    }

    @Test
    void theRandomLmnIsXavierNormalWithGain09AndStandardNormalBiases() {
        checkLmn(LmnInitializer::random, false);
    }

    @Test
    void theOrthogonalLmnIsTheRandomCellWithAnOrthonormalMemoryMatrix() {
        checkLmn(LmnInitializer::orthogonal, true);
        // everything but W_mm is the random cell's draw for the same seed
        LmnParameters random = LmnParameters.of(lmn(LmnInitializer.random(7)), 0);
        LmnParameters orthogonal = LmnParameters.of(lmn(LmnInitializer.orthogonal(7)), 0);
        for (String key : List.of(LinearMemoryParamInitializer.W_XH, LinearMemoryParamInitializer.W_MH, LinearMemoryParamInitializer.W_HM)) {
            assertArrayEquals(flat(random.columnForm(key)), flat(orthogonal.columnForm(key)), key);
        }
        assertArrayEquals(random.vector(LinearMemoryParamInitializer.B_M), orthogonal.vector(LinearMemoryParamInitializer.B_M));
    }

    @Test
    void theLstmIsDrawnAtScale001WithForgetBiasOne() {
        int n = 64, nIn = 16;
        Block w = new Block("W", 0, LstmReferenceInit.SCALE);
        Block rw = new Block("RW", 0, LstmReferenceInit.SCALE);
        Block forget = new Block("b, forget block", LstmReferenceInit.FORGET_BIAS, LstmReferenceInit.SCALE);
        Block otherBias = new Block("b, other blocks", 0, LstmReferenceInit.SCALE * Math.sqrt(2));
        for (long seed : SEEDS) {
            MultiLayerNetwork lstm = RecurrentClassifiers.lstmClassifier(settings(nIn, n, n, seed));
            w.add(seed, lstm.getLayer(0).getParam("W").dup().data().asDouble());
            rw.add(seed, lstm.getLayer(0).getParam("RW").dup().data().asDouble());
            double[] b = lstm.getLayer(0).getParam("b").toDoubleVector(); // our blocks [g | f | o | i]
            forget.add(seed, Arrays.copyOfRange(b, n, 2 * n));
            double[] others = new double[3 * n];
            System.arraycopy(b, 0, others, 0, n);
            System.arraycopy(b, 2 * n, others, n, 2 * n);
            otherBias.add(seed, others);
        }
        for (Block b : List.of(w, rw, forget, otherBias)) {
            b.checkPooled();
        }
    }

    @Test
    void theRandomReadoutIsTheReferenceHead() {
        Block w = new Block("W_out", 0, xavier(MEMORY, CLASSES)); // the head reads m_T
        Block b = new Block("b_out", ReadoutScheme.REFERENCE_BIAS_SCALE / 2, ReadoutScheme.REFERENCE_BIAS_SCALE / Math.sqrt(12));
        for (long seed : SEEDS) {
            MultiLayerNetwork net = lmn(LmnInitializer.random(seed));
            ReadoutScheme.random(net, seed);
            w.add(seed, net.getLayer(1).getParam("W").dup().data().asDouble());
            double[] bias = net.getLayer(1).getParam("b").toDoubleVector();
            assertTrue(Arrays.stream(bias).allMatch(v -> v >= 0 && v < ReadoutScheme.REFERENCE_BIAS_SCALE), Arrays.toString(bias));
            b.add(seed, bias);
        }
        w.checkPooled();
        b.checkPooled();

        MultiLayerNetwork again = lmn(LmnInitializer.random(1));
        ReadoutScheme.random(again, 1);
        assertArrayEquals(w.draws.get(0), again.getLayer(1).getParam("W").dup().data().asDouble(), "same seed, same head");
        ReadoutScheme.random(again, 2);
        assertFalse(Arrays.equals(w.draws.get(0), again.getLayer(1).getParam("W").dup().data().asDouble()), "another seed, another head");
    }
}
