package ai.laes.laes;

import ai.laes.numerics.BlasCanary;
import ai.laes.spark.ArraySums;
import ai.laes.spark.Stages;
import java.nio.DoubleBuffer;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.bytedeco.javacpp.DoublePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasUpper;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dsyrk;

/**
 * The Gram M = sum over sequences of z z^T (Tk x Tk, row-major), where z = [x_1 - mu; ...; x_T - mu]
 * is the centred sequence left-padded with zero blocks to length T (end-aligned). Left padding
 * leaves Xi^T Xi unchanged: padded prefixes are all-zero rows and every real prefix keeps its content.
 */
public final class SequenceGram {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceGram.class);
    /** Rows per GEMM block in the {@link GramRoute#BLOCKED} route. */
    public static final int DEFAULT_BLOCK_ROWS = 512;

    private SequenceGram() {
    }

    /** M for the given mean and padded length T; see {@link GramRoute} for the two routes. */
    public static double[] compute(JavaRDD<double[]> sequences, int k, int maxSteps, double[] mu,
                                   GramRoute route) {
        int n = maxSteps * k;
        long start = System.nanoTime();
        LOG.info("LAES Gram pass ({}): {} x {} Gram of end-aligned centred sequences", route, n, n);
        double[] gram = Stages.described(sequences.context(), "LAES: Gram", () ->
                route == GramRoute.ROW_MATRIX
                        ? viaRowMatrix(sequences, mu, maxSteps)
                        : viaBlocks(sequences, mu, maxSteps, DEFAULT_BLOCK_ROWS));
        LOG.info("LAES Gram pass ({}) done in {} ms", route, (System.nanoTime() - start) / 1_000_000);
        return gram;
    }

    /** z: the centred sequence, left-padded with zero blocks to T steps (length T*k). */
    public static double[] endAlignedCentred(double[] sequence, double[] mu, int maxSteps) {
        int k = mu.length;
        double[] z = new double[maxSteps * k];
        int offset = z.length - sequence.length;
        for (int i = 0; i < sequence.length; i++) {
            z[offset + i] = sequence[i] - mu[i % k];
        }
        return z;
    }

    static double[] viaRowMatrix(JavaRDD<double[]> sequences, double[] mu, int maxSteps) {
        JavaRDD<Vector> rows = sequences.map(s -> Vectors.dense(endAlignedCentred(s, mu, maxSteps)));
        RowMatrix matrix = new RowMatrix(rows.rdd(), 0L, maxSteps * mu.length);
        Matrix gramian = matrix.computeGramianMatrix();
        return gramian.toArray(); // column-major, and symmetric, so also row-major
    }

    /**
     * Z^T Z per partition by blocks of {@code blockRows} rows, summed by treeAggregate. Each block is
     * written straight into one native buffer and added by a BLAS DSYRK (acc += Zb^T Zb, upper triangle
     * only: half the flops of a GEMM, no per-block array copy or ND4J op), mirrored once at the end.
     */
    public static double[] viaBlocks(JavaRDD<double[]> sequences, double[] mu, int maxSteps, int blockRows) {
        int n = maxSteps * mu.length;
        JavaRDD<double[]> partials = sequences.mapPartitions(it -> {
            double[] partial = partitionGram(it, mu, maxSteps, blockRows);
            return partial == null ? Collections.emptyIterator() : List.of(partial).iterator();
        });
        return ArraySums.treeSum(partials, n * n);
    }

    private static double[] partitionGram(Iterator<double[]> sequences, double[] mu, int maxSteps, int blockRows) {
        if (!sequences.hasNext()) {
            return null;
        }
        BlasCanary.verifyOnce(); // this executor's DGEMM, before its Gram
        int n = maxSteps * mu.length;
        long start = System.nanoTime();
        long rows = 0;
        try (DoublePointer block = new DoublePointer((long) blockRows * n);
             DoublePointer acc = new DoublePointer((long) n * n).zero()) {
            DoubleBuffer blockRowsBuffer = block.asBuffer();
            int filled = 0;
            while (sequences.hasNext()) {
                blockRowsBuffer.put(filled * n, endAlignedCentred(sequences.next(), mu, maxSteps));
                rows++;
                if (++filled == blockRows) {
                    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, filled, 1.0, block, n, 1.0, acc, n);
                    filled = 0;
                }
            }
            if (filled > 0) {
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, filled, 1.0, block, n, 1.0, acc, n);
            }
            double[] partial = new double[n * n];
            acc.get(partial);
            mirrorUpper(partial, n);
            TaskContext task = TaskContext.get();
            LOG.info("LAES Gram partition {}: {} rows in {} ms", task == null ? -1 : task.partitionId(), rows,
                    (System.nanoTime() - start) / 1_000_000);
            return partial;
        }
    }

    /** Copies the upper triangle of the row-major n x n matrix {@code a} onto its lower triangle. */
    static void mirrorUpper(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                a[j * n + i] = a[i * n + j];
            }
        }
    }
}
