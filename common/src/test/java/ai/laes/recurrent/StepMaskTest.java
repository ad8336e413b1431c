package ai.laes.recurrent;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/** {@link StepMask} reads any layout of a [b, T] mask in place, zeroes padded rows only, and refuses bad masks. */
class StepMaskTest {
    private static final int B = 3, T = 5;

    @Test
    void flagsFollowTheMaskInEveryLayoutAndType() {
        Random rnd = new Random(1);
        double[][] values = new double[B][T];
        INDArray wide = Nd4j.zeros(DataType.DOUBLE, B, T + 2);
        for (int i = 0; i < B; i++) {
            for (int t = 0; t < T; t++) {
                values[i][t] = rnd.nextBoolean() ? 1 : 0;
                wide.putScalar(i, t + 1, values[i][t]);
            }
        }
        values[0][2] = 1; // step 2 without padding
        values[1][2] = 1;
        values[2][2] = 1;
        wide.get(all(), interval(3, 4)).assign(1);
        INDArray c = Nd4j.createFromArray(values);
        for (INDArray mask : List.of(c, c.dup('f'), c.castTo(DataType.FLOAT), c.castTo(DataType.INT32),
                wide.get(all(), interval(1, T + 1)))) {
            StepMask m = StepMask.of(mask, B, T);
            for (int t = 0; t < T; t++) {
                boolean any = false;
                for (int i = 0; i < B; i++) {
                    assertEquals(values[i][t] == 0, m.padded(t, i), mask.ordering() + " " + mask.dataType() + " [" + i + ", " + t + "]");
                    any |= values[i][t] == 0;
                }
                assertEquals(any, m.anyPadded(t));
            }
        }
        assertEquals(false, StepMask.of(c, B, T).anyPadded(2));
        assertNull(StepMask.of(null, B, T));
    }

    @Test
    void zeroPaddedRowsTouchesOnlyThePaddedRowsOfItsStep() {
        INDArray mask = Nd4j.ones(DataType.DOUBLE, B, T);
        mask.putScalar(1, 3, 0.0);
        StepMask m = StepMask.of(mask, B, T);
        INDArray block = Nd4j.ones(DataType.FLOAT, B, 4); // rows of 4 with ld 4, 2 columns zeroed from column 1
        m.zeroPaddedRows(3, Elements.of(block), 1, 4, 2);
        m.zeroPaddedRows(2, Elements.of(block), 0, 4, 4); // no padding at step 2: nothing
        INDArray expected = Nd4j.ones(DataType.FLOAT, B, 4);
        expected.putScalar(1, 1, 0f);
        expected.putScalar(1, 2, 0f);
        assertEquals(expected, block);
    }

    @Test
    void badMasksAreRefused() {
        assertThrows(IllegalStateException.class, () -> StepMask.of(Nd4j.ones(DataType.DOUBLE, B, T + 1), B, T));
        assertThrows(IllegalStateException.class, () -> StepMask.of(Nd4j.ones(DataType.DOUBLE, B, 1, T), B, T));
        INDArray half = Nd4j.ones(DataType.DOUBLE, B, T);
        half.putScalar(2, 4, 0.5);
        assertThrows(IllegalStateException.class, () -> StepMask.of(half, B, T));
    }
}
