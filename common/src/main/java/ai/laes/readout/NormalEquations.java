package ai.laes.readout;

import ai.laes.io.InputException;
import java.io.Serializable;

/**
 * Running sums of z z^T ((d+1) x (d+1)) and z e_label^T ((d+1) x C) for z = [f; 1]. Bad examples
 * (wrong length, label outside [0, C)) are counted and reported on the driver.
 */
public final class NormalEquations implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int d;
    private final int numClasses;
    private final double[] gram;
    private final double[] cross;
    private long examples;
    private long badLength;
    private long badLabel;
    private long badValue;

    public NormalEquations(int d, int numClasses) {
        this.d = d;
        this.numClasses = numClasses;
        this.gram = new double[(d + 1) * (d + 1)];
        this.cross = new double[(d + 1) * numClasses];
    }

    public NormalEquations add(scala.Tuple2<double[], Integer> example) {
        return add(example._1(), example._2());
    }

    public NormalEquations add(double[] f, int label) {
        if (f.length != d) {
            badLength++;
            return this;
        }
        if (label < 0 || label >= numClasses) {
            badLabel++;
            return this;
        }
        for (double x : f) {
            if (!Double.isFinite(x)) {
                badValue++;
                return this;
            }
        }
        int z = d + 1;
        for (int i = 0; i < z; i++) {
            double zi = i < d ? f[i] : 1.0;
            if (zi == 0) {
                continue;
            }
            for (int j = i; j < z; j++) {
                gram[i * z + j] += zi * (j < d ? f[j] : 1.0);
            }
            cross[i * numClasses + label] += zi;
        }
        examples++;
        return this;
    }

    public NormalEquations merge(NormalEquations other) {
        for (int i = 0; i < gram.length; i++) {
            gram[i] += other.gram[i];
        }
        for (int i = 0; i < cross.length; i++) {
            cross[i] += other.cross[i];
        }
        examples += other.examples;
        badLength += other.badLength;
        badLabel += other.badLabel;
        badValue += other.badValue;
        return this;
    }

    void requireValid() {
        if (badLength > 0) {
            throw new InputException("readout features: " + badLength + " example(s) do not have length d=" + d);
        }
        if (badLabel > 0) {
            throw new InputException("readout labels: " + badLabel + " label(s) outside [0, " + numClasses + ")");
        }
        if (badValue > 0) {
            throw new InputException("readout features: " + badValue + " example(s) have NaN or infinite values");
        }
        if (examples == 0) {
            throw new InputException("readout data: no examples");
        }
    }

    /** sum z z^T, full symmetric (a copy). */
    double[] gram() {
        int z = d + 1;
        double[] full = gram.clone();
        for (int i = 0; i < z; i++) {
            for (int j = 0; j < i; j++) {
                full[i * z + j] = full[j * z + i];
            }
        }
        return full;
    }

    double[] crossProduct() {
        return cross.clone();
    }

    int dimension() {
        return d;
    }

    int numClasses() {
        return numClasses;
    }

    public long examples() {
        return examples;
    }
}
