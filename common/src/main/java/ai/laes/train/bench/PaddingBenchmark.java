package ai.laes.train.bench;

import ai.laes.train.LengthBatches;
import ai.laes.train.RecurrentClassifiers;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What end-aligned padding costs the LMN classifier's training, and what {@link LengthBatches} saves: a synthetic
 * set of {@code n} sequences (default 2,048, k = 4 inputs, 10 classes, Gaussian values) whose lengths follow a
 * truncated Pareto law between 10 and 400 ({@link #skewedLengths}: many short sequences, a long tail), trained one
 * epoch of fit steps (batch 32, float, size 128, Adam) several ways:
 * <ul>
 *   <li>length batches ({@link LengthBatches#plan}), each padded to its longest sequence, with a feature mask;</li>
 *   <li>plain random batches ({@link LengthBatches#random}), padded and masked the same way;</li>
 *   <li>the baseline: the same total number of real steps as sequences of one fixed length (the mean length), no
 *       padding, no mask; and again with an all-ones mask (what masking itself costs: the layer's and LastTimeStep's
 *       mask handling);</li>
 *   <li>the length batches again, each fit timed right after an untimed fit of the same batch: what is left when
 *       the batch's shape [b, k, T] is not new (a new T costs the layer a new tape and DL4J its workspaces' resizing).</li>
 * </ul>
 * Printed: each plan's padded-step fraction, and per epoch (median over the repetitions, round robin, after a
 * warm-up epoch of each) the main thread's CPU time (with OMP_NUM_THREADS=1 all work runs on it, so it stays
 * meaningful on a loaded machine) and wall time, as examples/s and real steps/s, and the ratios. The minibatches are
 * built before timing. No assertions: run by hand, with OMP_NUM_THREADS=1.
 * Arguments: [repetitions (default 3)] [sequences (default 2048)] [batch size (default 32)].
 */
public final class PaddingBenchmark {
    static final int N_IN = 4, CLASSES = 10, MIN_LENGTH = 10, MAX_LENGTH = 400;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PaddingBenchmark() {
    }

    /**
     * n lengths of a Pareto law with exponent 1 truncated to [min, max], by its inverse CDF
     * L = min / (1 - u (1 - min / max)), u uniform in [0, 1), rounded down: P(L > x) falls as 1/x, so at 10..400
     * the median is about 19 and the mean about 37, while one sequence in about 40 is longer than 200.
     */
    public static int[] skewedLengths(int n, int min, int max, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            double l = min / (1 - rnd.nextDouble() * (1 - (double) min / max));
            lengths[i] = Math.max(min, Math.min(max, (int) l));
        }
        return lengths;
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        long seed = 11;
        int[] lengths = skewedLengths(n, MIN_LENGTH, MAX_LENGTH, seed);
        long realSteps = Arrays.stream(lengths).asLongStream().sum();
        int fixedLength = (int) Math.round((double) realSteps / n);
        int fixedCount = (int) Math.round((double) realSteps / fixedLength);
        int[] fixedLengths = new int[fixedCount];
        Arrays.fill(fixedLengths, fixedLength);

        List<int[]> byLength = LengthBatches.plan(lengths, batchSize, seed, 0);
        List<int[]> random = LengthBatches.random(lengths, batchSize, seed, 0);
        List<int[]> fixed = LengthBatches.random(fixedLengths, batchSize, seed, 0);
        List<DataSet> lengthEpoch = batches(lengths, byLength, seed, true);
        List<DataSet> fixedEpoch = batches(fixedLengths, fixed, seed, false);
        double lengthPadded = LengthBatches.paddedFraction(lengths, byLength);
        long fixedSteps = (long) fixedCount * fixedLength;
        List<Row> rows = List.of(
                new Row("length batches", lengthEpoch, n, realSteps, lengthPadded, false),
                new Row("random batches", batches(lengths, random, seed, true), n, realSteps,
                        LengthBatches.paddedFraction(lengths, random), false),
                new Row("fixed length", fixedEpoch, fixedCount, fixedSteps, 0, false),
                new Row("fixed, ones mask", batches(fixedLengths, fixed, seed, true), fixedCount, fixedSteps, 0, false),
                new Row("length, 2nd fit", lengthEpoch, n, realSteps, lengthPadded, true));

        RecurrentClassifiers.Settings s = RecurrentClassifiers.Settings.reference();
        s.nIn = N_IN;
        s.classes = CLASSES;
        MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(s);
        for (int r = -1; r < reps; r++) {
            for (Row row : rows) {
                row.time(net, r);
            }
        }

        int[] sorted = lengths.clone();
        Arrays.sort(sorted);
        System.out.printf("OMP_NUM_THREADS=%s; LMN classifier, float, size %d, k %d, batch %d, Adam; one epoch per figure, "
                        + "median of %d after 1 warm-up%n", System.getenv("OMP_NUM_THREADS"), s.memory, N_IN, batchSize, reps);
        System.out.printf("%d sequences, lengths %d..%d (Pareto 1, truncated): median %d, mean %.1f, 90%% %d, max %d; %d real steps%n",
                n, MIN_LENGTH, MAX_LENGTH, sorted[n / 2], (double) realSteps / n, sorted[(int) (0.9 * n)], sorted[n - 1], realSteps);
        System.out.printf("baseline: %d sequences of length %d (%d real steps)%n%n", fixedCount, fixedLength, fixedSteps);
        System.out.printf("%-16s %8s %8s %10s %10s %12s %12s %8s%n", "batching", "batches", "padded", "CPU s", "wall s",
                "examples/s", "steps/s", "vs base");
        double base = rows.get(2).stepsPerSecond();
        for (Row row : rows) {
            double c = median(row.cpu);
            System.out.printf("%-16s %8d %8.3f %10.2f %10.2f %12.1f %12.0f %8.2f%n", row.name, row.epoch.size(), row.padded,
                    c, median(row.wall), row.examples / c, row.stepsPerSecond(), row.stepsPerSecond() / base);
        }
        double byLen = rows.get(0).stepsPerSecond(), rand = rows.get(1).stepsPerSecond();
        System.out.printf("%nreal steps/s (CPU): length / random = %.2f, length / fixed-length baseline = %.2f, "
                + "random / baseline = %.2f%n", byLen / rand, byLen / base, rand / base);
        System.out.printf("padded steps: length batches %.1f%%, random batches %.1f%% (ratio %.3f)%n",
                100 * rows.get(0).padded, 100 * rows.get(1).padded, rows.get(0).padded / rows.get(1).padded);
        System.out.printf("the baseline with an all-ones mask: %.2f x its steps/s; length batches timed on a repeated shape: "
                + "%.2f x their epoch's%n", rows.get(3).stepsPerSecond() / base, rows.get(4).stepsPerSecond() / byLen);
    }

    /** One timed way of batching an epoch: its minibatches, counts, and CPU and wall seconds per repetition. */
    private static final class Row {
        final String name;
        final List<DataSet> epoch;
        final int examples;
        final long steps;
        final double padded;
        /** Time each fit right after an untimed fit of the same minibatch (no new shape in the timed one). */
        final boolean repeatShape;
        double[] cpu = new double[0], wall = new double[0];

        Row(String name, List<DataSet> epoch, int examples, long steps, double padded, boolean repeatShape) {
            this.name = name;
            this.epoch = epoch;
            this.examples = examples;
            this.steps = steps;
            this.padded = padded;
            this.repeatShape = repeatShape;
        }

        /** One epoch of fit steps; repetition {@code r} < 0 is a warm-up, not recorded. */
        void time(MultiLayerNetwork net, int r) {
            long w = 0, c = 0;
            for (DataSet ds : epoch) {
                if (repeatShape) {
                    net.fit(ds);
                }
                long w0 = System.nanoTime(), c0 = THREADS.getCurrentThreadCpuTime();
                net.fit(ds);
                w += System.nanoTime() - w0;
                c += THREADS.getCurrentThreadCpuTime() - c0;
            }
            if (r >= 0) {
                cpu = Arrays.copyOf(cpu, r + 1);
                wall = Arrays.copyOf(wall, r + 1);
                cpu[r] = c / 1e9;
                wall[r] = w / 1e9;
            }
        }

        double stepsPerSecond() {
            return steps / median(cpu);
        }
    }

    /**
     * The minibatches of a plan: features [b, k, longest] end-aligned (padding first, zeros) with a feature mask
     * [b, longest] when {@code masked}, one-hot labels [b, 10]; values Gaussian, labels uniform, from {@code seed}.
     */
    private static List<DataSet> batches(int[] lengths, List<int[]> plan, long seed, boolean masked) {
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        List<DataSet> out = new ArrayList<>(plan.size());
        for (int[] batch : plan) {
            int longest = 0;
            for (int i : batch) {
                longest = Math.max(longest, lengths[i]);
            }
            float[] x = new float[batch.length * N_IN * longest];
            float[] m = new float[batch.length * longest];
            float[] y = new float[batch.length * CLASSES];
            for (int e = 0; e < batch.length; e++) {
                int start = longest - lengths[batch[e]];
                for (int t = start; t < longest; t++) {
                    m[e * longest + t] = 1;
                    for (int j = 0; j < N_IN; j++) {
                        x[(e * N_IN + j) * longest + t] = (float) gaussian(rnd);
                    }
                }
                y[e * CLASSES + rnd.nextInt(CLASSES)] = 1;
            }
            INDArray features = Nd4j.create(x, new long[]{batch.length, N_IN, longest}, 'c');
            INDArray labels = Nd4j.create(y, new long[]{batch.length, CLASSES}, 'c');
            INDArray mask = masked ? Nd4j.create(m, new long[]{batch.length, longest}, 'c') : null;
            out.add(new DataSet(features, labels, mask, null));
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble(), v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
