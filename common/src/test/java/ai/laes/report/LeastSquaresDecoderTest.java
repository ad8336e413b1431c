package ai.laes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.laes.numerics.RandomMatrices;
import ai.laes.spark.SparkTestBase;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

/** The distributed per-lag least-squares decoder of a random orthogonal memory is the optimum, and its error is scored right. */
class LeastSquaresDecoderTest extends SparkTestBase {
    static final int T = 9, P = 4, N = 120;

    @Test
    void perLagDecoderSolvesTheNormalEquationsAndBeatsPerturbations() {
        Random rnd = new Random(5);
        List<double[]> seqs = new ArrayList<>();
        for (int n = 0; n < N; n++) {
            double[] x = new double[T];
            for (int t = 0; t < T; t++) {
                x[t] = 0.5 + Math.sin(0.3 * t + n) * 0.2 + 0.1 * rnd.nextGaussian();
            }
            seqs.add(x);
        }
        UnrolledMemory memory = UnrolledMemory.of(TiedMemoryTrainer.flatten(RandomMatrices.xavierNormal(rnd, P, 1, 1.0)),
                TiedMemoryTrainer.flatten(RandomMatrices.orthogonal(rnd, P)), 0.5, T);
        JavaRDD<double[]> rdd = jsc.parallelize(seqs, 3);
        LagDecoder decoder = LeastSquaresDecoder.fit(memory, rdd, jsc);

        // the ridge of the solve: RIDGE times the mean of diag(sum y y^T), on the weights (not the bias)
        double meanDiagonal = 0;
        for (double[] x : seqs) {
            for (double v : memory.finalState(x)) {
                meanDiagonal += v * v / P;
            }
        }
        double lambda = LeastSquaresDecoder.RIDGE * meanDiagonal;
        double[] localMse = new double[T];
        for (int d = 0; d < T; d++) {
            double[] w = decoder.weights(d);
            // ridge normal equations Z^T (Z w - x_d) + lambda D w = 0, computed locally, relative to the size of Z^T x_d
            double[] residualGrad = new double[P + 1];
            double[] scale = new double[P + 1];
            for (double[] x : seqs) {
                double[] z = Arrays.copyOf(memory.finalState(x), P + 1);
                z[P] = 1;
                double r = decoder.decode(memory.finalState(x), d) - x[T - 1 - d];
                localMse[d] += r * r / N;
                for (int i = 0; i <= P; i++) {
                    residualGrad[i] += z[i] * r;
                    scale[i] += Math.abs(z[i] * x[T - 1 - d]);
                }
            }
            for (int i = 0; i <= P; i++) {
                double ridgeTerm = i < P ? lambda * w[i] : 0;
                assertEquals(0, (residualGrad[i] + ridgeTerm) / scale[i], 1e-8, "normal equation " + i + " at lag " + d);
            }
            // any perturbation of the optimum is worse
            for (int i = 0; i <= P; i++) {
                double[] bumped = w.clone();
                bumped[i] += 1e-3;
                double mse = 0;
                for (double[] x : seqs) {
                    double[] z = Arrays.copyOf(memory.finalState(x), P + 1);
                    z[P] = 1;
                    double v = 0;
                    for (int j = 0; j <= P; j++) {
                        v += bumped[j] * z[j];
                    }
                    mse += (v - x[T - 1 - d]) * (v - x[T - 1 - d]) / N;
                }
                assertTrue(mse > localMse[d], "perturbed decoder " + i + " at lag " + d);
            }
        }
        double[] distributed = LagDecoder.msePerLag(memory, decoder, rdd, jsc);
        for (int d = 0; d < T; d++) {
            assertEquals(localMse[d], distributed[d], 1e-12, "MSE at lag " + d);
        }
        // with p < T the memory cannot hold every step: some lag has a real error
        assertTrue(Arrays.stream(distributed).max().getAsDouble() > 1e-4);
    }
}
