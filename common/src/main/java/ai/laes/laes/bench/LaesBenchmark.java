package ai.laes.laes.bench;

import ai.laes.laes.EigenSolver;
import ai.laes.laes.GramRoute;
import ai.laes.laes.Laes;
import ai.laes.laes.LaesGram;
import ai.laes.laes.LaesModel;
import ai.laes.laes.LaesSolver;
import ai.laes.laes.SequenceGram;
import ai.laes.laes.SequenceMean;
import ai.laes.laes.SequenceStats;
import ai.laes.laes.SvdRoute;
import ai.laes.laes.SyntheticSequences;
import ai.laes.numerics.NumericsCheckFailed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Prints LAES timings with ratios against a baseline in the same process, on synthetic k = 1
 * sequences of 784 steps: (1) the Gram of N end-aligned rows by MLlib RowMatrix vs the blocked
 * DSYRK route, (2) the eigendecomposition of the 784 x 784 G by both eigen-solvers, (3) the whole fit by the literal
 * computeSVD route vs the Gram route on a few hundred sequences.
 * Arguments: [gramSequences=20000] [svdSequences=200] [steps=784] [p=16].
 * The master comes from the environment (spark-submit or -Dspark.master).
 */
public final class LaesBenchmark {
    private LaesBenchmark() {
    }

    public static void main(String[] args) {
        int gramSequences = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int svdSequences = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 784;
        int p = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        SparkSession spark = SparkSession.builder().appName("LaesBenchmark").getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = Math.max(2, sc.defaultParallelism());
        SyntheticSequences gen = new SyntheticSequences(42, 1);
        System.out.printf("master=%s partitions=%d steps=%d p=%d%n", sc.master(), partitions, steps, p);

        JavaRDD<double[]> warm = gen.rdd(sc, 500, steps, steps, partitions).cache();
        SequenceStats warmStats = SequenceMean.of(warm, 1);
        for (GramRoute route : GramRoute.values()) {
            SequenceGram.compute(warm, 1, steps, warmStats.mu(), route);
        }
        warm.unpersist();

        JavaRDD<double[]> rows = gen.rdd(sc, gramSequences, steps, steps, partitions).cache();
        System.out.printf("cached %d sequences x %d steps%n", rows.count(), steps);
        SequenceStats stats = SequenceMean.of(rows, 1);
        double[][] grams = new double[2][];
        double rowMatrixSeconds = time(() -> grams[0] = SequenceGram.compute(rows, 1, steps, stats.mu(),
                GramRoute.ROW_MATRIX));
        double blockedSeconds = time(() -> grams[1] = SequenceGram.compute(rows, 1, steps, stats.mu(),
                GramRoute.BLOCKED));
        System.out.printf("Gram %d x %d: RowMatrix.computeGramianMatrix %.2f s, blocked DSYRK %.2f s, speed-up %.2fx,"
                        + " max |difference| %.2e%n", gramSequences, steps, rowMatrixSeconds, blockedSeconds,
                rowMatrixSeconds / blockedSeconds, maxAbsDifference(grams[0], grams[1]));
        double[] g = LaesGram.assemble(grams[1], steps, 1);
        double assembleSeconds = time(() -> LaesGram.assemble(grams[1], steps, 1));
        System.out.printf("G assembly %.3f s%n", assembleSeconds);
        compareEigenSolvers(g, steps, EIGEN_P);
        rows.unpersist();

        if (svdSequences > 0) {
            JavaRDD<double[]> few = gen.rdd(sc, svdSequences, steps, steps, partitions).cache();
            few.count();
            LaesModel[] models = new LaesModel[2];
            double gramFit = time(() -> models[0] = Laes.fit(few, 1, p, SvdRoute.GRAM, GramRoute.BLOCKED));
            double literalFit = time(() -> models[1] = Laes.fit(few, 1, p, SvdRoute.XI, GramRoute.BLOCKED));
            double worst = 0;
            for (int c = 0; c < p; c++) {
                double sg = models[0].singularValues()[c];
                double sx = models[1].singularValues()[c];
                worst = Math.max(worst, Math.abs(sg - sx) / sx);
            }
            System.out.printf("fit %d x %d (p=%d): literal computeSVD %.2f s, Gram route %.2f s, speed-up %.1fx,"
                            + " max relative singular-value difference %.2e%n", svdSequences, steps, p, literalFit,
                    gramFit, literalFit / gramFit, worst);
            few.unpersist();
        }
        spark.stop();
    }

    /** The jobs' default memory size, for the eigen-solver comparison. */
    private static final int EIGEN_P = 128;

    /**
     * Both eigen-solvers on the same G, one warm-up each then three interleaved passes (solve and check):
     * seconds and the ratio netlib / nd4j. A solve refused by the check is timed and marked.
     */
    private static void compareEigenSolvers(double[] g, int n, int p) {
        Map<EigenSolver, List<Double>> seconds = new EnumMap<>(EigenSolver.class);
        Map<EigenSolver, String> verdict = new EnumMap<>(EigenSolver.class);
        for (int pass = -1; pass < 3; pass++) {
            for (EigenSolver solver : EigenSolver.values()) {
                long start = System.nanoTime();
                try {
                    LaesSolver.topComponents(g, n, p, solver);
                    verdict.putIfAbsent(solver, "checked");
                } catch (NumericsCheckFailed e) {
                    verdict.put(solver, "REFUSED by the check on this CPU");
                }
                if (pass >= 0) {
                    seconds.computeIfAbsent(solver, s -> new ArrayList<>()).add((System.nanoTime() - start) / 1e9);
                }
            }
        }
        for (EigenSolver solver : EigenSolver.values()) {
            System.out.printf("eigendecomposition of %d x %d G, p=%d, %s: %s s (%s)%n", n, n, p, solver,
                    seconds.get(solver).stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList(), verdict.get(solver));
        }
        System.out.printf("eigen solve + check, median netlib / nd4j: %.2fx%n",
                median(seconds.get(EigenSolver.NETLIB)) / median(seconds.get(EigenSolver.ND4J)));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double time(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double maxAbsDifference(double[] x, double[] y) {
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        return worst;
    }
}
