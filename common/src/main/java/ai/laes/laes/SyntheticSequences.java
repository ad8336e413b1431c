package ai.laes.laes;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Seeded synthetic sequences with temporal structure, for tests and demos: a random stable linear
 * system s_t = F s_{t-1} + w_t (F made of 2 x 2 damped rotations, radii in [0.85, 0.98)), observed
 * as x_t = H s_t + c + v_t (w ~ N(0, 1), v ~ N(0, 0.1^2), a random offset c so centring matters).
 * Sequence i (length and content) depends only on the seed and i, so local and distributed
 * generation give the same data.
 */
public final class SyntheticSequences implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int LATENT = 4;
    private static final double OBSERVATION_NOISE = 0.1;

    private final long seed;
    private final int k;
    private final double[] f = new double[LATENT * LATENT];
    private final double[] h;
    private final double[] offset;

    public SyntheticSequences(long seed, int k) {
        this.seed = seed;
        this.k = k;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int r = 0; r < LATENT; r += 2) {
            double radius = 0.85 + 0.13 * rng.nextDouble();
            double angle = Math.PI * rng.nextDouble() / 4;
            f[r * LATENT + r] = radius * Math.cos(angle);
            f[r * LATENT + r + 1] = -radius * Math.sin(angle);
            f[(r + 1) * LATENT + r] = radius * Math.sin(angle);
            f[(r + 1) * LATENT + r + 1] = radius * Math.cos(angle);
        }
        h = new double[k * LATENT];
        for (int i = 0; i < h.length; i++) {
            h[i] = gaussian(rng) / Math.sqrt(LATENT);
        }
        offset = new double[k];
        for (int i = 0; i < k; i++) {
            offset[i] = 2 * rng.nextDouble() - 1;
        }
    }

    public int inputSize() {
        return k;
    }

    /** Sequence {@code index}, its length drawn uniformly from [minSteps, maxSteps]. */
    public double[] sequence(long index, int minSteps, int maxSteps) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int steps = minSteps + (maxSteps > minSteps ? rng.nextInt(maxSteps - minSteps + 1) : 0);
        double[] x = new double[steps * k];
        double[] s = new double[LATENT];
        double[] next = new double[LATENT];
        for (int i = 0; i < LATENT; i++) {
            s[i] = gaussian(rng);
        }
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < LATENT; i++) {
                double v = gaussian(rng);
                for (int j = 0; j < LATENT; j++) {
                    v += f[i * LATENT + j] * s[j];
                }
                next[i] = v;
            }
            double[] swap = s;
            s = next;
            next = swap;
            for (int o = 0; o < k; o++) {
                double v = offset[o] + OBSERVATION_NOISE * gaussian(rng);
                for (int j = 0; j < LATENT; j++) {
                    v += h[o * LATENT + j] * s[j];
                }
                x[t * k + o] = v;
            }
        }
        return x;
    }

    /** Sequences 0..count-1, locally. */
    public List<double[]> generate(int count, int minSteps, int maxSteps) {
        List<double[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(sequence(i, minSteps, maxSteps));
        }
        return out;
    }

    /** The same sequences 0..count-1, generated on the executors. */
    public JavaRDD<double[]> rdd(JavaSparkContext sc, long count, int minSteps, int maxSteps, int partitions) {
        List<Integer> parts = IntStream.range(0, partitions).boxed().collect(Collectors.toList());
        SyntheticSequences gen = this;
        return sc.parallelize(parts, partitions).flatMap(part -> {
            long from = count * part / partitions;
            long to = count * (part + 1) / partitions;
            List<double[]> out = new ArrayList<>();
            for (long i = from; i < to; i++) {
                out.add(gen.sequence(i, minSteps, maxSteps));
            }
            return out.iterator();
        });
    }

    private static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
