package ai.laes.train;

import java.lang.ref.WeakReference;

import ai.laes.lmn.LinearMemoryLayerImpl;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * Gives a finished worker network's LMN tapes back for the next round. DL4J's parameter-averaging
 * worker builds a fresh network for every task (every averaging round) and drops it at the task's
 * end; left to the garbage collector, its tape (about 130 MB for sMNIST) usually returns too late
 * for the next round, which then builds a new one. A task thread runs one task at a time, so when
 * it starts fitting a new network, the network it fitted before is done with: its tapes go back
 * to the pool just before the new network's first forward pass leases one.
 */
final class TapeReturningHook extends MinibatchHook {
    private static final long serialVersionUID = 1L;
    /** The worker network each thread fitted last (weakly: a finished network stays collectable). */
    private static final ThreadLocal<WeakReference<MultiLayerNetwork>> LAST = new ThreadLocal<>();

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        if (!(model instanceof MultiLayerNetwork net)) {
            return;
        }
        WeakReference<MultiLayerNetwork> last = LAST.get();
        MultiLayerNetwork previous = last == null ? null : last.get();
        if (previous != net) {
            if (previous != null) {
                LinearMemoryLayerImpl.releaseTapes(previous);
            }
            LAST.set(new WeakReference<>(net));
        }
    }
}
