package ai.laes.readout;

import ai.laes.io.InputException;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Least-squares readout with bias and a tiny ridge, from features f (length d) onto one-hot labels:
 * minimise sum ||W f + b - e_label||^2 + lambda ||W||_F^2. With z = [f; 1] the normal equations
 * (sum z z^T + lambda D) [W^T; b^T] = sum z e_label^T (D = diag(1, ..., 1, 0): the bias is not
 * penalised) are accumulated in one treeAggregate and solved on the driver by Cholesky in float64.
 * lambda = ridge * (mean diagonal of sum f f^T), so the ridge is scale-free.
 */
public final class RidgeReadout implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final double DEFAULT_RIDGE = 1e-6;

    private final double[] w; // numClasses x d, row-major
    private final double[] bias;
    private final int d;
    private final int numClasses;

    private RidgeReadout(double[] w, double[] bias, int d, int numClasses) {
        this.w = w;
        this.bias = bias;
        this.d = d;
        this.numClasses = numClasses;
    }

    public static RidgeReadout fit(JavaRDD<Tuple2<double[], Integer>> data, int numClasses) {
        return fit(data, numClasses, DEFAULT_RIDGE);
    }

    public static RidgeReadout fit(JavaRDD<Tuple2<double[], Integer>> data, int numClasses, double ridge) {
        return fit(data, numClasses, data.first()._1().length, ridge);
    }

    /** As {@link #fit(JavaRDD, int, double)} for features of a known {@code dimension}: one pass over {@code data}. */
    public static RidgeReadout fit(JavaRDD<Tuple2<double[], Integer>> data, int numClasses, int dimension, double ridge) {
        if (numClasses < 2) {
            throw new InputException("numClasses=" + numClasses + " must be at least 2");
        }
        if (!(ridge >= 0)) {
            throw new InputException("ridge=" + ridge + " must be non-negative");
        }
        NormalEquations sums = data.treeAggregate(new NormalEquations(dimension, numClasses),
                NormalEquations::add, NormalEquations::merge, 2);
        return fromNormalEquations(sums, ridge);
    }

    /** Solves the accumulated normal equations (also usable locally). */
    public static RidgeReadout fromNormalEquations(NormalEquations sums, double ridge) {
        sums.requireValid();
        int d = sums.dimension();
        int c = sums.numClasses();
        int z = d + 1;
        double[] lhs = sums.gram();
        double meanDiagonal = 0;
        for (int i = 0; i < d; i++) {
            meanDiagonal += lhs[i * z + i] / d;
        }
        double lambda = ridge * (meanDiagonal > 0 ? meanDiagonal : 1.0);
        for (int i = 0; i < d; i++) {
            lhs[i * z + i] += lambda;
        }
        double[] solution = Cholesky.solve(lhs, z, sums.crossProduct(), c); // z x c
        double[] w = new double[c * d];
        double[] bias = new double[c];
        for (int cls = 0; cls < c; cls++) {
            for (int i = 0; i < d; i++) {
                w[cls * d + i] = solution[i * c + cls];
            }
            bias[cls] = solution[d * c + cls];
        }
        return new RidgeReadout(w, bias, d, c);
    }

    /** W f + b, one score per class. */
    public double[] scores(double[] features) {
        if (features.length != d) {
            throw new InputException("features: length " + features.length + ", expected " + d);
        }
        double[] out = bias.clone();
        for (int cls = 0; cls < numClasses; cls++) {
            for (int i = 0; i < d; i++) {
                out[cls] += w[cls * d + i] * features[i];
            }
        }
        return out;
    }

    /** argmax of the scores. */
    public int predict(double[] features) {
        double[] s = scores(features);
        int best = 0;
        for (int cls = 1; cls < s.length; cls++) {
            if (s[cls] > s[best]) {
                best = cls;
            }
        }
        return best;
    }

    /** Fraction of examples whose predicted class equals the label. */
    public double accuracy(JavaRDD<Tuple2<double[], Integer>> data) {
        RidgeReadout readout = this;
        long[] hitsAndTotal = data.treeAggregate(new long[2], (acc, ex) -> {
            acc[0] += readout.predict(ex._1()) == ex._2() ? 1 : 0;
            acc[1]++;
            return acc;
        }, (x, y) -> new long[]{x[0] + y[0], x[1] + y[1]}, 2);
        return hitsAndTotal[1] == 0 ? Double.NaN : (double) hitsAndTotal[0] / hitsAndTotal[1];
    }

    /** W, numClasses x d. */
    public double[][] weights() {
        double[][] out = new double[numClasses][];
        for (int cls = 0; cls < numClasses; cls++) {
            out[cls] = Arrays.copyOfRange(w, cls * d, (cls + 1) * d);
        }
        return out;
    }

    public double[] bias() {
        return bias.clone();
    }

    public int dimension() {
        return d;
    }

    public int numClasses() {
        return numClasses;
    }
}
