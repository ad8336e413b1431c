package ai.laes.laes;

import ai.laes.numerics.BlasCanary;
import ai.laes.spark.ArraySums;
import ai.laes.spark.Stages;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /** Z^T Z per partition by blocks of {@code blockRows} rows (ND4J DGEMM), summed by treeAggregate. */
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
        double[] block = new double[blockRows * n];
        long rows = 0;
        try (INDArray acc = Nd4j.zeros(DataType.DOUBLE, n, n)) {
            int filled = 0;
            while (sequences.hasNext()) {
                double[] z = endAlignedCentred(sequences.next(), mu, maxSteps);
                System.arraycopy(z, 0, block, filled * n, n);
                rows++;
                if (++filled == blockRows) {
                    accumulate(acc, block, filled, n);
                    filled = 0;
                }
            }
            if (filled > 0) {
                accumulate(acc, block, filled, n);
            }
            double[] partial = acc.data().asDouble();
            TaskContext task = TaskContext.get();
            LOG.info("LAES Gram partition {}: {} rows in {} ms", task == null ? -1 : task.partitionId(), rows,
                    (System.nanoTime() - start) / 1_000_000);
            return partial;
        }
    }

    /** acc += Zb^T Zb for the first {@code rows} rows of the block. */
    private static void accumulate(INDArray acc, double[] block, int rows, int n) {
        double[] data = rows * n == block.length ? block : java.util.Arrays.copyOf(block, rows * n);
        try (INDArray zb = Nd4j.create(data, new long[]{rows, n}, DataType.DOUBLE)) {
            Nd4j.gemm(zb, zb, acc, true, false, 1.0, 1.0);
        }
    }
}
