package ai.laes.laes;

import ai.laes.numerics.NumericsCheckFailed;
import ai.laes.spark.Stages;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: fits the exact LAES of docs/laes-math.md, "The linear autoencoder for sequences" to a distributed set of flattened,
 * time-major sequences (element t*k+f = feature f of step t+1; lengths may differ, T = longest).
 * Passes: the mean (with T and the step count), then either the Gram of the end-aligned sequences
 * (assembled into G = Xi^T Xi and eigen-decomposed) or the literal SVD of Xi. The Gram route holds four
 * (Tk) x (Tk) double arrays on the driver and costs N (Tk)^2 flops for N sequences plus O((Tk)^3) for the
 * eigendecomposition ({@link GramLimits}); it refuses, before the Gram pass, data whose arrays cannot fit the
 * driver's max heap.
 */
public final class Laes {
    private static final Logger LOG = LoggerFactory.getLogger(Laes.class);

    private Laes() {
    }

    /** The production route: Gram pass by blocked GEMM, eigendecomposition of G. */
    public static LaesModel fit(JavaRDD<double[]> sequences, int k, int p) {
        return fit(sequences, k, p, SvdRoute.GRAM, GramRoute.BLOCKED);
    }

    public static LaesModel fit(JavaRDD<double[]> sequences, int k, int p, SvdRoute route, GramRoute gramRoute) {
        return fit(sequences, k, p, route, gramRoute, new Stages());
    }

    /**
     * The production route, centred on the mean mu (as {@link #fit(JavaRDD, int, int)}) if {@code center}, else on 0:
     * the LAES of the raw inputs, y_t = A x_t + B y_{t-1}, whose model has mu = 0. The mean pass runs either way (it
     * finds T and checks the data). Each pass is timed as a stage of {@code stages}.
     */
    public static LaesModel fit(JavaRDD<double[]> sequences, int k, int p, boolean center, Stages stages) {
        return fit(sequences, k, p, SvdRoute.GRAM, GramRoute.BLOCKED, EigenSolver.NETLIB, stages,
                Runtime.getRuntime().maxMemory(), center);
    }

    /** As {@link #fit(JavaRDD, int, int, SvdRoute, GramRoute)}, timing each pass as a stage of {@code stages}. */
    public static LaesModel fit(JavaRDD<double[]> sequences, int k, int p, SvdRoute route, GramRoute gramRoute,
            Stages stages) {
        return fit(sequences, k, p, route, gramRoute, EigenSolver.NETLIB, stages);
    }

    /**
     * As {@link #fit(JavaRDD, int, int, SvdRoute, GramRoute, Stages)} with the given eigen-solver. The
     * eigendecomposition and the stability of the result are checked ({@link LaesChecks}); a failed check
     * throws {@link NumericsCheckFailed}.
     */
    public static LaesModel fit(JavaRDD<double[]> sequences, int k, int p, SvdRoute route, GramRoute gramRoute,
            EigenSolver solver, Stages stages) {
        return fit(sequences, k, p, route, gramRoute, solver, stages, Runtime.getRuntime().maxMemory(), true);
    }

    /**
     * As {@link #fit(JavaRDD, int, int, SvdRoute, GramRoute, EigenSolver, Stages)} with the driver's max heap
     * given: the Gram route refuses, right after the mean pass, data whose G would not fit it
     * ({@link GramLimits#requireDriverFits}).
     */
    static LaesModel fit(JavaRDD<double[]> sequences, int k, int p, SvdRoute route, GramRoute gramRoute,
            EigenSolver solver, Stages stages, long driverHeap) {
        return fit(sequences, k, p, route, gramRoute, solver, stages, driverHeap, true);
    }

    /** As the above, centred on the mean if {@code center}, else on 0. */
    static LaesModel fit(JavaRDD<double[]> sequences, int k, int p, SvdRoute route, GramRoute gramRoute,
            EigenSolver solver, Stages stages, long driverHeap, boolean center) {
        boolean cacheHere = sequences.getStorageLevel().equals(StorageLevel.NONE());
        if (cacheHere) {
            sequences.persist(StorageLevel.MEMORY_AND_DISK());
        }
        try {
            SequenceStats pass = stages.run("LAES: mean", () -> SequenceMean.of(sequences, k));
            SequenceStats stats = center ? pass : pass.uncentred();
            LaesSolver.validateMemorySize(p, stats.maxSteps(), k, stats.totalSteps());
            if (route == SvdRoute.GRAM) {
                GramLimits.requireDriverFits(stats.maxSteps(), k, p, driverHeap);
            }
            LaesComponents components;
            if (route == SvdRoute.XI) {
                components = stages.run("LAES: Xi SVD", () -> XiRoute.topComponents(sequences, stats, p));
            } else {
                double[] m = stages.run("LAES: Gram", () ->
                        SequenceGram.compute(sequences, k, stats.maxSteps(), stats.mu(), gramRoute));
                components = stages.run("LAES: eigen", () -> LaesSolver.topComponents(
                        LaesGram.assemble(m, stats.maxSteps(), k), stats.maxSteps() * k, p, solver));
            }
            LaesModel model = LaesModel.fromComponents(components, stats.mu(), stats.maxSteps());
            LOG.info("LAES fitted ({} route): p={}, T={}, k={}, s_p/s_1={}, explained variance={}", route, p,
                    stats.maxSteps(), k, model.sigmaRatio(), model.explainedVarianceRatio());
            return model;
        } finally {
            if (cacheHere) {
                sequences.unpersist(false);
            }
        }
    }
}
