package ai.laes.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.laes.laes.GramRoute;
import ai.laes.laes.Laes;
import ai.laes.laes.LaesModel;
import ai.laes.laes.SequenceGram;
import ai.laes.laes.SvdRoute;
import ai.laes.numerics.RandomMatrices;
import ai.laes.spark.Stages;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconstruction error versus sequence length (paper claim 1): for each T, the last T steps of every
 * sequence (k = 1), memory size p = min(memory size, T), and the test MSE (mean over lags and sequences) of
 * decoding from the final state of three linear memories of size p:
 * <ul>
 *   <li>{@code laes}: the exact LAES of the cropped training sequences;</li>
 *   <li>{@code random-orthogonal}: A Xavier-normal, B random orthogonal, with the best affine decoder per
 *       lag fitted by least squares on the training sequences;</li>
 *   <li>{@code gradient-descent}: the LAES form trained through time by Adam, the learning rate searched over six
 *       decades under a stopping rule ({@link TiedMemoryTrainer#search}, {@link LearningRateSearch});</li>
 *   <li>{@code laes-lag-decoder}: the LAES encoder (its A and B) with the random memory's kind of decoder, the best
 *       affine decoder per lag: like for like with {@code random-orthogonal}, whose decoders have T (p + 1)
 *       fitted weights against the LAES's tied decoder.</li>
 * </ul>
 */
public final class ReconstructionStudy {
    public static final int[] LENGTHS = {49, 98, 196, 392, 784};
    public static final String LAES = "laes";
    public static final String RANDOM = "random-orthogonal";
    public static final String GRADIENT_DESCENT = "gradient-descent";
    public static final String LAES_LAG_DECODER = "laes-lag-decoder";
    /** The methods in the order of the CSV, the plot and the page. */
    public static final List<String> METHODS = List.of(LAES, RANDOM, GRADIENT_DESCENT, LAES_LAG_DECODER);
    private static final Logger LOG = LoggerFactory.getLogger(ReconstructionStudy.class);

    /** One point of the plot. */
    public record Point(int length, int p, String method, double mse) {
    }

    /** The learning-rate search of the memory trained through time at length T, memory size p. */
    public record Training(int length, int p, TiedMemoryTrainer.Trial chosen, List<TiedMemoryTrainer.Trial> trials) {
    }

    /** The points, the LAES fitted at the longest length (for the LMN initialisation), and the gradient training per T. */
    public record Result(List<Point> points, LaesModel longestLaes, List<Training> gdTraining) {
    }

    private ReconstructionStudy() {
    }

    /** {@code train} and {@code test}: full-length sequences (T = the last entry of {@code lengths}). */
    public static Result run(JavaRDD<double[]> train, JavaRDD<double[]> test, int[] lengths, int memorySize,
            ReportBudget budget, long seed, Stages stages, JavaSparkContext sc) {
        List<Point> points = new ArrayList<>();
        List<Training> gdTraining = new ArrayList<>();
        LaesModel longest = null;
        for (int t : lengths) {
            int p = Math.min(memorySize, t);
            JavaRDD<double[]> trainT = crop(train, t).persist(StorageLevel.MEMORY_AND_DISK());
            JavaRDD<double[]> testT = crop(test, t).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                LaesModel laes = Laes.fit(trainT, 1, p, SvdRoute.GRAM, GramRoute.BLOCKED, stages);
                longest = laes;
                double mu = laes.mu()[0];
                points.add(new Point(t, p, LAES, mean(stages.run("report: LAES error T=" + t,
                        () -> laes.reconstructionMsePerLag(testT, sc)))));

                Random rnd = new Random(seed + t);
                UnrolledMemory random = UnrolledMemory.of(TiedMemoryTrainer.flatten(RandomMatrices.xavierNormal(rnd, p, 1, 1.0)),
                        TiedMemoryTrainer.flatten(RandomMatrices.orthogonal(rnd, p)), mu, t);
                LagDecoder decoder = stages.run("report: random memory decoders T=" + t,
                        () -> LeastSquaresDecoder.fit(random, trainT, sc));
                points.add(new Point(t, p, RANDOM, mean(LagDecoder.msePerLag(random, decoder, testT, sc))));

                long n = trainT.count();
                double[] s = TiedMemoryTrainer.secondMomentFromGram(stages.run("report: second moment T=" + t,
                        () -> SequenceGram.compute(trainT, 1, t, new double[] {mu}, GramRoute.BLOCKED)), t, n);
                TiedMemoryTrainer.Result trained = stages.run("report: gradient descent T=" + t,
                        () -> new TiedMemoryTrainer(s, t).search(p, budget.gdSearch(), seed + t));
                gdTraining.add(new Training(t, p, trained.chosen(), trained.trials()));
                UnrolledMemory gd = UnrolledMemory.of(trained.a(), trained.b(), mu, t);
                points.add(new Point(t, p, GRADIENT_DESCENT, mean(LagDecoder.msePerLag(gd, gd.tiedDecoder(), testT, sc))));

                UnrolledMemory laesUnrolled = UnrolledMemory.of(TiedMemoryTrainer.flatten(laes.a()),
                        TiedMemoryTrainer.flatten(laes.b()), mu, t);
                LagDecoder laesDecoder = stages.run("report: LAES lag decoders T=" + t,
                        () -> LeastSquaresDecoder.fit(laesUnrolled, trainT, sc));
                points.add(new Point(t, p, LAES_LAG_DECODER, mean(LagDecoder.msePerLag(laesUnrolled, laesDecoder, testT, sc))));
                LOG.info("reconstruction T={} p={}: {}", t, p, points.subList(points.size() - METHODS.size(), points.size()));
            } finally {
                trainT.unpersist(false);
                testT.unpersist(false);
            }
        }
        return new Result(points, longest, gdTraining);
    }

    /** The last {@code t} steps of each sequence. */
    public static JavaRDD<double[]> crop(JavaRDD<double[]> sequences, int t) {
        return sequences.map(x -> Arrays.copyOfRange(x, x.length - t, x.length));
    }

    static double mean(double[] perLag) {
        return Arrays.stream(perLag).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }
}
