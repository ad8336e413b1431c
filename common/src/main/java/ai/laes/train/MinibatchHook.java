package ai.laes.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A DL4J {@link TrainingHook} for {@code MultiLayerNetwork} workers, which fit DataSets: both
 * DataSet callbacks do nothing unless overridden, and the MultiDataSet ones (ComputationGraph
 * workers) do nothing.
 */
public abstract class MinibatchHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    /** Called on the worker just before it fits {@code minibatch}. */
    @Override
    public void preUpdate(DataSet minibatch, Model model) {
    }

    /** Called on the worker just after it fitted {@code minibatch}. */
    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public final void preUpdate(MultiDataSet minibatch, Model model) {
    }

    @Override
    public final void postUpdate(MultiDataSet minibatch, Model model) {
    }
}
