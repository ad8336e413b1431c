package ai.laes.jobs.bench;

import ai.laes.train.MinibatchHook;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * Adds up, on the executors, the time DL4J's workers spend inside {@code fit(minibatch)}; the rest
 * of a task's run is the worker's own overhead (getting the broadcast, building the network, the
 * DataSets, the result). Each task deserialises its own copy, so the start time is per task thread.
 */
final class FitTimeHook extends MinibatchHook {
    private static final long serialVersionUID = 1L;
    private final LongAccumulator fitNanos;
    private final LongAccumulator fits;
    private transient long start;

    FitTimeHook(LongAccumulator fitNanos, LongAccumulator fits) {
        this.fitNanos = fitNanos;
        this.fits = fits;
    }

    /** Minibatches fitted so far (as merged into the driver at task ends). */
    long fits() {
        return fits.value();
    }

    /** Seconds inside fit so far, over all workers. */
    double fitSeconds() {
        return fitNanos.value() / 1e9;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        start = System.nanoTime();
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        fitNanos.add(System.nanoTime() - start);
        fits.add(1);
    }
}
