package ai.laes.lmn.init;

import ai.laes.io.InputException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.Random;

/**
 * Sets the six parameters of an initialised network's LinearMemoryLayer (laes-math.md section 3).
 * Matrices are given in the column-vector form of the equations; {@link LmnParameters} stores their
 * transposes in DL4J's row-vector layout.
 */
@FunctionalInterface
public interface LmnInitializer {

    /** Overwrites the parameters of the LinearMemoryLayer at {@code layerIndex} (possibly inside LastTimeStep). */
    void initialise(MultiLayerNetwork net, int layerIndex);

    /** Xavier-normal weights (std sqrt(2 / (fanIn + fanOut))), zero biases. */
    static LmnInitializer random(long seed) {
        return (net, layerIndex) -> {
            LmnParameters p = LmnParameters.of(net, layerIndex);
            Random rnd = new Random(seed);
            p.setXavier(rnd, false);
        };
    }

    /** Random orthogonal W_mm (QR of a Gaussian matrix), the other weights Xavier-normal, zero biases. */
    static LmnInitializer orthogonal(long seed) {
        return (net, layerIndex) -> {
            LmnParameters p = LmnParameters.of(net, layerIndex);
            Random rnd = new Random(seed);
            p.setXavier(rnd, true);
        };
    }

    /**
     * The LAES initialisation: W_xh := A, b_h := 0, W_mh := 0, W_hm := I, W_mm := B, b_m := -A mu,
     * so that at initialisation m_t = act(A x_t) + B m_{t-1} - A mu. Needs nH = nM = p, nIn = k.
     *
     * @param a  A, p x k
     * @param b  B, p x p
     * @param mu the centring mean, length k
     */
    static LmnInitializer laes(double[][] a, double[][] b, double[] mu) {
        if (a == null || b == null || mu == null || a.length == 0) {
            throw new InputException("laes initialiser: A, B and mu must be non-empty");
        }
        int p = a.length, k = a[0].length;
        for (double[] row : a) {
            if (row.length != k) {
                throw new InputException("laes initialiser: A must be rectangular p x k, got ragged rows");
            }
        }
        if (b.length != p || java.util.Arrays.stream(b).anyMatch(row -> row.length != p)) {
            throw new InputException("laes initialiser: B must be p x p with p = " + p + " (rows of A)");
        }
        if (mu.length != k) {
            throw new InputException("laes initialiser: mu has length " + mu.length + " but A has k = " + k + " columns");
        }
        return (net, layerIndex) -> {
            LmnParameters params = LmnParameters.of(net, layerIndex);
            if (params.nH != p || params.nM != p || params.nIn != k) {
                throw new InputException("laes initialiser: layer has nIn=" + params.nIn + ", nH=" + params.nH
                        + ", nM=" + params.nM + " but the LAES has k=" + k + ", p=" + p + " (needs nIn = k, nH = nM = p)");
            }
            double[] bm = new double[p];
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < k; j++) {
                    bm[i] -= a[i][j] * mu[j];
                }
            }
            params.setWxh(a);
            params.setWmh(new double[p][p]);
            params.setWhm(RandomMatrices.identity(p));
            params.setWmm(b);
            params.setBh(new double[p]);
            params.setBm(bm);
        };
    }
}
