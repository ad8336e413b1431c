package ai.laes.lmn.init;

import ai.laes.io.InputException;
import ai.laes.numerics.RandomMatrices;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.Random;

/**
 * Sets the six parameters of an initialised network's LinearMemoryLayer (docs/laes-math.md, the LMN initialisations):
 * the LAES start, and the paper's two LMN baselines drawn from the distributions of the reference implementation
 * (AntonioCarta/rnn_autoencoding_neurips2020, rnn_nograd/rnn_modules.py and train_mnist.py).
 * Matrices are given in the column-vector form of the equations; {@link LmnParameters} stores their
 * transposes in DL4J's row-vector layout.
 */
@FunctionalInterface
public interface LmnInitializer {

    /** Overwrites the parameters of the LinearMemoryLayer at {@code layerIndex} (possibly inside LastTimeStep). */
    void initialise(MultiLayerNetwork net, int layerIndex);

    /**
     * The gain of every Xavier-normal weight of the reference's LMN cell and classifier head
     * ({@code torch.nn.init.xavier_normal_(p, gain=0.9)} in rnn_nograd/rnn_modules.py).
     */
    double REFERENCE_GAIN = 0.9;

    /**
     * The reference's random LMN ({@code lmn_detach} in rnn_nograd/train_mnist.py): W_xh, W_mh, W_hm and W_mm
     * Xavier-normal with gain 0.9, b_h and b_m standard normal ({@link LmnParameters#drawReference}).
     */
    static LmnInitializer random(long seed) {
        return (net, layerIndex) -> LmnParameters.of(net, layerIndex).drawReference(new Random(seed), false);
    }

    /**
     * The reference's orthogonal LMN ({@code lmn_ortho_detach}): the random LMN's cell, then W_mm replaced by a
     * Haar-orthogonal matrix with gain 1 (QR of a Gaussian matrix, the signs of R's diagonal folded into Q). The
     * biases stay N(0, 1): with a norm-preserving W_mm the memory grows over 784 steps and the untrained loss starts
     * far above chance, as the reference's baseline does.
     */
    static LmnInitializer orthogonal(long seed) {
        return (net, layerIndex) -> LmnParameters.of(net, layerIndex).drawReference(new Random(seed), true);
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
