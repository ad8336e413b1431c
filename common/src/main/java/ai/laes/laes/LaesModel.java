package ai.laes.laes;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A fitted linear autoencoder for sequences: A = U_p^T P (p x k), B = U_p^T R U_p (p x p), the
 * mean mu, and the singular values of Xi. Holds only plain arrays, so it is Java-serializable and
 * safe to broadcast.
 * <pre>
 *   encoder:  y_t = A (x_t - mu) + B y_{t-1},  y_0 = 0
 *   decoder:  x^_{T-d} = A^T (B^T)^d y_T + mu,  d = 0, 1, ... (newest first)
 * </pre>
 */
public final class LaesModel implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Sequences per matrix product in the batched encoder and decoder. */
    public static final int BATCH = 256;

    private final double[] a;
    private final double[] b;
    private final double[] mu;
    private final double[] singularValues;
    private final double trace;
    private final int maxSteps;
    private final int k;
    private final int p;
    private final LaesChecks.EigenFigures eigenChecked;
    private final LaesChecks.StabilityFigures stability;

    private LaesModel(double[] a, double[] b, double[] mu, double[] singularValues, double trace,
                      int maxSteps, int p, LaesChecks.EigenFigures eigenChecked) {
        this.a = a;
        this.b = b;
        this.mu = mu.clone();
        this.singularValues = singularValues;
        this.trace = trace;
        this.maxSteps = maxSteps;
        this.k = mu.length;
        this.p = p;
        this.eigenChecked = eigenChecked;
        this.stability = LaesChecks.stability(a(), b());
    }

    /**
     * A = U_p^T P (first k rows of U_p, transposed); B = sum_{i>=1} U_p[block i]^T U_p[block i-1].
     * Checks the result's stability ({@link LaesChecks#stability}): an unstable LAES is never returned.
     */
    public static LaesModel fromComponents(LaesComponents u, double[] mu, int maxSteps) {
        int k = mu.length;
        int p = u.p();
        if (u.rows() != maxSteps * k) {
            throw new IllegalArgumentException("U_p has " + u.rows() + " rows, expected T*k=" + maxSteps * k);
        }
        double[] a = new double[p * k];
        for (int c = 0; c < p; c++) {
            for (int f = 0; f < k; f++) {
                a[c * k + f] = u.upAt(f, c);
            }
        }
        double[] b = new double[p * p];
        for (int row = k; row < maxSteps * k; row++) {
            for (int c = 0; c < p; c++) {
                double uc = u.upAt(row, c);
                for (int d = 0; d < p; d++) {
                    b[c * p + d] += uc * u.upAt(row - k, d);
                }
            }
        }
        return new LaesModel(a, b, mu, u.singularValues(), u.trace(), maxSteps, p, u.checked());
    }

    /**
     * A LAES saved earlier, from its parts as {@link #aRowMajor()}, {@link #bRowMajor()}, {@link #mu()},
     * {@link #singularValues()}, {@link #trace()}, {@link #maxSteps()} and {@link #eigenFigures()} gave them.
     * Its stability is checked again ({@link LaesChecks#stability}), as for a fitted one.
     */
    public static LaesModel restore(double[] aRowMajor, double[] bRowMajor, double[] mu, double[] singularValues,
            double trace, int maxSteps, LaesChecks.EigenFigures eigenFigures) {
        int k = mu.length;
        int p = (int) Math.round(Math.sqrt(bRowMajor.length));
        if (k == 0 || p == 0 || p * p != bRowMajor.length || aRowMajor.length != p * k || singularValues.length < p
                || maxSteps <= 0) {
            throw new IllegalArgumentException("a LAES needs A p x k, B p x p, mu of length k >= 1 and at least p"
                    + " singular values; got " + aRowMajor.length + " entries of A, " + bRowMajor.length + " of B, k="
                    + k + ", " + singularValues.length + " singular values, T=" + maxSteps);
        }
        return new LaesModel(aRowMajor.clone(), bRowMajor.clone(), mu, singularValues.clone(), trace, maxSteps, p,
                eigenFigures);
    }

    /** A, p x k, row-major (a copy). */
    public double[] aRowMajor() {
        return a.clone();
    }

    /** B, p x p, row-major (a copy). */
    public double[] bRowMajor() {
        return b.clone();
    }

    /** trace(Xi^T Xi), the sum of all s^2 (the denominator of {@link #explainedVarianceRatio()}). */
    public double trace() {
        return trace;
    }

    /** The figures of the check the eigendecomposition behind this LAES passed. */
    public LaesChecks.EigenFigures eigenFigures() {
        return eigenChecked;
    }

    /** A, p x k. */
    public double[][] a() {
        return rows(a, p, k);
    }

    /** B, p x p. */
    public double[][] b() {
        return rows(b, p, p);
    }

    public double[] mu() {
        return mu.clone();
    }

    /** The known singular values of Xi, decreasing (all Tk from the Gram route, the top p from Xi). */
    public double[] singularValues() {
        return singularValues.clone();
    }

    public int maxSteps() {
        return maxSteps;
    }

    public int inputSize() {
        return k;
    }

    public int memorySize() {
        return p;
    }

    /**
     * The figures of the checks this LAES passed, for {@code metrics.json}: orthonormality_error and
     * eigen_residual of its eigendecomposition (the residual is null on the literal route, which never
     * forms G), spectral_norm_B, spectral_radius_B, and the extremes of diag(A A^T + B B^T).
     */
    public Map<String, Object> checks() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("orthonormality_error", eigenChecked.orthonormalityError());
        m.put("eigen_residual", Double.isNaN(eigenChecked.residual()) ? null : eigenChecked.residual());
        m.put("spectral_norm_B", stability.spectralNormB());
        m.put("spectral_radius_B", stability.spectralRadiusB());
        m.put("diag_AAt_BBt_min", stability.diagMin());
        m.put("diag_AAt_BBt_max", stability.diagMax());
        return m;
    }

    /** s_p / s_1. */
    public double sigmaRatio() {
        return singularValues[p - 1] / singularValues[0];
    }

    /** Sum of the top p s^2 over the sum of all s^2 (= trace of Xi^T Xi). */
    public double explainedVarianceRatio() {
        double top = 0;
        for (int c = 0; c < p; c++) {
            top += singularValues[c] * singularValues[c];
        }
        return top / trace;
    }

    /** y_n of one flattened sequence. */
    public double[] finalState(double[] sequence) {
        double[] y = new double[p];
        double[] next = new double[p];
        for (int t = 0; t < sequence.length / k; t++) {
            for (int c = 0; c < p; c++) {
                double v = 0;
                for (int f = 0; f < k; f++) {
                    v += a[c * k + f] * (sequence[t * k + f] - mu[f]);
                }
                for (int d = 0; d < p; d++) {
                    v += b[c * p + d] * y[d];
                }
                next[c] = v;
            }
            double[] swap = y;
            y = next;
            next = swap;
        }
        return y;
    }

    /** Final states of many sequences, {@link #BATCH} at a time as matrix products. */
    public double[][] finalStates(List<double[]> sequences) {
        double[][] states = new double[sequences.size()][];
        try (LaesBatch batch = batch()) {
            for (int from = 0; from < sequences.size(); from += BATCH) {
                List<double[]> chunk = sequences.subList(from, Math.min(sequences.size(), from + BATCH));
                double[][] part = batch.finalStates(chunk);
                System.arraycopy(part, 0, states, from, part.length);
            }
        }
        return states;
    }

    /** Final states of a distributed data set, in the same order. */
    public JavaRDD<double[]> finalStates(JavaRDD<double[]> sequences) {
        LaesModel model = this;
        return sequences.mapPartitions(it -> model.inBatches(it, seq -> seq, (seq, state) -> state));
    }

    /**
     * Encodes a partition {@link #BATCH} elements at a time, lazily, keeping the order: each element's sequence
     * ({@code sequenceOf}) is encoded to its final state, and {@code output} makes the result of the element and it.
     */
    public <I, O> Iterator<O> inBatches(Iterator<I> input, Function<I, double[]> sequenceOf,
                                         BiFunction<I, double[], O> output) {
        return new Iterator<>() {
            private final List<O> ready = new ArrayList<>(BATCH);
            private int next;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) {
                    return true;
                }
                ready.clear();
                next = 0;
                List<I> chunk = new ArrayList<>(BATCH);
                while (input.hasNext() && chunk.size() < BATCH) {
                    chunk.add(input.next());
                }
                if (chunk.isEmpty()) {
                    return false;
                }
                List<double[]> seqs = new ArrayList<>(chunk.size());
                chunk.forEach(element -> seqs.add(sequenceOf.apply(element)));
                double[][] states = finalStates(seqs);
                for (int i = 0; i < states.length; i++) {
                    ready.add(output.apply(chunk.get(i), states[i]));
                }
                return true;
            }

            @Override
            public O next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.get(next++);
            }
        };
    }

    /** x^_{T-d} = A^T (B^T)^d y_T + mu for d = 0..steps-1: row d is the step d places before the end. */
    public double[][] decode(double[] finalState, int steps) {
        double[][] out = new double[steps][k];
        double[] y = finalState.clone();
        double[] next = new double[p];
        for (int d = 0; d < steps; d++) {
            for (int f = 0; f < k; f++) {
                double v = mu[f];
                for (int c = 0; c < p; c++) {
                    v += a[c * k + f] * y[c];
                }
                out[d][f] = v;
            }
            for (int e = 0; e < p; e++) {
                double v = 0;
                for (int c = 0; c < p; c++) {
                    v += b[c * p + e] * y[c];
                }
                next[e] = v;
            }
            double[] swap = y;
            y = next;
            next = swap;
        }
        return out;
    }

    /** Mean squared reconstruction error per lag d (d = 0 newest, up to T-1); see {@link ReconstructionError}. */
    public double[] reconstructionMsePerLag(JavaRDD<double[]> sequences, JavaSparkContext sc) {
        return ReconstructionError.perLag(this, sequences, sc);
    }

    LaesBatch batch() {
        return new LaesBatch(a, b, mu, p, maxSteps);
    }

    private static double[][] rows(double[] flat, int r, int c) {
        double[][] out = new double[r][];
        for (int i = 0; i < r; i++) {
            out[i] = Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        }
        return out;
    }
}
