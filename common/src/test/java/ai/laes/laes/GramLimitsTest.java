package ai.laes.laes;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.io.InputException;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.Stages;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

/** The Gram route's driver-memory precondition, with an injected heap: nothing large is allocated. */
class GramLimitsTest extends SparkTestBase {

    @Test
    void driverBytesCountFourCopiesOfGAndUp() {
        // sMNIST: n = 784, p = 128: 8 (4 * 784^2 + 784 * 128) = 20,471,808 bytes
        assertEquals(20_471_808L, GramLimits.driverBytes(784, 1, 128));
        assertEquals(8L * (4L * 27 * 27 + 27 * 5), GramLimits.driverBytes(9, 3, 5));
        // no int overflow at the largest order
        long n = GramLimits.MAX_ORDER;
        assertEquals(8L * (4 * n * n + n), GramLimits.driverBytes(GramLimits.MAX_ORDER, 1, 1));
    }

    @Test
    void refusesOneByteShortWithOneLineNamingTheShapeTheBytesAndTheFix() {
        long needed = GramLimits.driverBytes(1_568, 2, 64);
        assertDoesNotThrow(() -> GramLimits.requireDriverFits(1_568, 2, 64, needed));
        InputException e = assertThrows(InputException.class,
                () -> GramLimits.requireDriverFits(1_568, 2, 64, needed - 1));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        for (String part : new String[]{"T=1568", "k=2", "T*k=3136", needed + " bytes", (needed - 1) + " bytes",
                "max heap", "--driver-memory", "fewer steps", "fewer features"}) {
            assertTrue(m.contains(part), "'" + part + "' missing from: " + m);
        }
    }

    @Test
    void refusesAnOrderWhoseGDoesNotFitAJavaArrayWhateverTheHeap() {
        assertDoesNotThrow(() -> GramLimits.requireDriverFits(GramLimits.MAX_ORDER, 1, 1, Long.MAX_VALUE));
        InputException e = assertThrows(InputException.class,
                () -> GramLimits.requireDriverFits(GramLimits.MAX_ORDER / 2 + 1, 2, 1, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("T*k=46342") && e.getMessage().contains("Java array"), e.getMessage());
    }

    @Test
    void fitRefusesRightAfterTheMeanPassBeforeAnyGramWork() {
        int k = 3;
        List<double[]> seqs = LaesRaggedTest.raggedSequences(7);
        JavaRDD<double[]> rdd = jsc.parallelize(seqs, 2);
        long tooSmall = GramLimits.driverBytes(9, k, 5) - 1;
        Stages stages = new Stages();
        InputException e = assertThrows(InputException.class, () -> Laes.fit(rdd, k, 5, SvdRoute.GRAM,
                GramRoute.BLOCKED, EigenSolver.NETLIB, stages, tooSmall));
        assertTrue(e.getMessage().contains("T=9 steps x k=3 features (T*k=27)"), e.getMessage());
        assertEquals(List.of("LAES: mean"), List.copyOf(stages.seconds().keySet()), "stages run before the refusal");

        // enough heap: the same call fits; the literal route never builds G on the driver and is not refused
        LaesModel fitted = Laes.fit(rdd, k, 5, SvdRoute.GRAM, GramRoute.BLOCKED, EigenSolver.NETLIB, new Stages(),
                tooSmall + 1);
        assertEquals(5, fitted.memorySize());
        assertDoesNotThrow(() -> Laes.fit(rdd, k, 5, SvdRoute.XI, GramRoute.BLOCKED, EigenSolver.NETLIB,
                new Stages(), tooSmall));
    }
}
