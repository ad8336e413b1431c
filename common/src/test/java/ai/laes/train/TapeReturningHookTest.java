package ai.laes.train;

import ai.laes.lmn.LinearMemoryLayerImpl;
import ai.laes.lmn.init.LmnInitializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A thread's next worker network takes over its last one's tape; other threads' networks keep theirs. */
class TapeReturningHookTest {

    @Test
    void aThreadStartingItsNextNetworkGivesBackTheTapeOfItsLastOnlyThen() throws InterruptedException {
        ModelFactory factory = new LmnClassifier(1, 5, new Hyperparameters(1e-2, 0, 1.0), LmnInitializer::orthogonal);
        DataSet ds = TrainFixtures.batches(9).dataSet(TrainFixtures.images(8, 3));
        TapeReturningHook hook = new TapeReturningHook();
        MultiLayerNetwork first = factory.create(1);
        MultiLayerNetwork second = factory.create(2);

        hook.preUpdate(ds, first);
        first.fit(ds);
        hook.preUpdate(ds, first);
        first.fit(ds);
        assertTrue(lmn(first).holdsTape(), "the same network's next minibatch keeps its tape");

        MultiLayerNetwork[] other = {factory.create(3)};
        Thread elsewhere = new Thread(() -> {
            hook.preUpdate(ds, other[0]);
            other[0].fit(ds);
        });
        elsewhere.start();
        elsewhere.join();
        assertTrue(lmn(first).holdsTape(), "another thread's network leaves this thread's tape alone");
        assertTrue(lmn(other[0]).holdsTape());

        hook.preUpdate(ds, second);
        assertFalse(lmn(first).holdsTape(), "the thread's last network gives its tape back");
        second.fit(ds);
        assertTrue(lmn(second).holdsTape());
        assertTrue(lmn(other[0]).holdsTape());
    }

    private static LinearMemoryLayerImpl lmn(MultiLayerNetwork net) {
        return (LinearMemoryLayerImpl) LinearMemoryLayerImpl.unwrapped(net.getLayer(0));
    }
}
