package ai.laes.readout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.laes.io.InputException;
import ai.laes.spark.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

class RidgeReadoutTest extends SparkTestBase {

    /** Examples labelled by argmax of a fixed linear map plus bias: separable by construction. */
    private static List<Tuple2<double[], Integer>> linearlyLabelled(int n, int d, int classes, long seed) {
        Random rng = new Random(seed);
        double[][] w = new double[classes][d];
        for (double[] row : w) {
            for (int i = 0; i < d; i++) {
                row[i] = rng.nextGaussian();
            }
        }
        List<Tuple2<double[], Integer>> out = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            int label = rng.nextInt(classes);
            double[] f = new double[d];
            for (int i = 0; i < d; i++) {
                f[i] = 3 * w[label][i] + 0.3 * rng.nextGaussian() + 1.0; // class prototypes plus noise
            }
            out.add(new Tuple2<>(f, label));
        }
        return out;
    }

    @Test
    void matchesALocalNormalEquationSolve() {
        int d = 6;
        int classes = 3;
        List<Tuple2<double[], Integer>> data = linearlyLabelled(500, d, classes, 1);
        double ridge = 1e-3;
        RidgeReadout readout = RidgeReadout.fit(jsc.parallelize(data, 3), classes, ridge);

        // the same problem by explicit Z^T Z and LU (commons-math), the ridge scaled the documented way
        RealMatrix z = new Array2DRowRealMatrix(data.size(), d + 1);
        RealMatrix y = new Array2DRowRealMatrix(data.size(), classes);
        for (int e = 0; e < data.size(); e++) {
            for (int i = 0; i < d; i++) {
                z.setEntry(e, i, data.get(e)._1()[i]);
            }
            z.setEntry(e, d, 1.0);
            y.setEntry(e, data.get(e)._2(), 1.0);
        }
        RealMatrix lhs = z.transpose().multiply(z);
        double meanDiagonal = 0;
        for (int i = 0; i < d; i++) {
            meanDiagonal += lhs.getEntry(i, i) / d;
        }
        for (int i = 0; i < d; i++) {
            lhs.addToEntry(i, i, ridge * meanDiagonal);
        }
        RealMatrix solution = new LUDecomposition(lhs).getSolver().solve(z.transpose().multiply(y));
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < d; i++) {
                assertEquals(solution.getEntry(i, c), readout.weights()[c][i], 1e-9, "W[" + c + "][" + i + "]");
            }
            assertEquals(solution.getEntry(d, c), readout.bias()[c], 1e-9, "b[" + c + "]");
        }
    }

    @Test
    void recoversASeparableMappingOnHeldOutData() {
        int d = 10;
        int classes = 4;
        List<Tuple2<double[], Integer>> train = linearlyLabelled(2000, d, classes, 7);
        List<Tuple2<double[], Integer>> test = new ArrayList<>(linearlyLabelled(2500, d, classes, 7).subList(2000, 2500));
        RidgeReadout readout = RidgeReadout.fit(jsc.parallelize(train, 2), classes);
        JavaRDD<Tuple2<double[], Integer>> heldOut = jsc.parallelize(test, 2);
        assertTrue(readout.accuracy(heldOut) > 0.99, "accuracy " + readout.accuracy(heldOut));
        assertEquals(test.get(0)._2().intValue(), readout.predict(test.get(0)._1()));
    }

    @Test
    void exactLinearTargetsAreReproduced() {
        // one-hot targets that are exactly affine in the features are fitted to rounding with a tiny ridge
        List<Tuple2<double[], Integer>> data = new ArrayList<>();
        for (int e = 0; e < 90; e++) {
            int label = e % 3;
            double[] f = new double[3];
            f[label] = 1.0;
            data.add(new Tuple2<>(f, label));
        }
        RidgeReadout readout = RidgeReadout.fit(jsc.parallelize(data, 2), 3, 1e-12);
        assertArrayEquals(new double[]{0, 1, 0}, readout.scores(new double[]{0, 1, 0}), 1e-6);
        assertEquals(1.0, readout.accuracy(jsc.parallelize(data, 2)));
    }

    @Test
    void badLabelsAndLengthsAreNamed() {
        List<Tuple2<double[], Integer>> data = new ArrayList<>(linearlyLabelled(20, 3, 2, 3));
        data.add(new Tuple2<>(new double[3], 5));
        InputException label = assertThrows(InputException.class, () -> RidgeReadout.fit(jsc.parallelize(data, 2), 2));
        assertTrue(label.getMessage().contains("outside [0, 2)"), label.getMessage());
        data.set(data.size() - 1, new Tuple2<>(new double[4], 1));
        InputException length = assertThrows(InputException.class, () -> RidgeReadout.fit(jsc.parallelize(data, 2), 2));
        assertTrue(length.getMessage().contains("length d=3"), length.getMessage());
        data.set(data.size() - 1, new Tuple2<>(new double[] {0, Double.NaN, 0}, 1));
        data.set(0, new Tuple2<>(new double[] {Double.NEGATIVE_INFINITY, 0, 0}, 0));
        InputException value = assertThrows(InputException.class, () -> RidgeReadout.fit(jsc.parallelize(data, 2), 2));
        assertTrue(value.getMessage().contains("2 example(s) have NaN or infinite values"), value.getMessage());
    }
}
