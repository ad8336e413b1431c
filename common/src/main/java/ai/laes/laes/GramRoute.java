package ai.laes.laes;

/** How the Gram M = sum z z^T of the end-aligned centred sequences is computed. */
public enum GramRoute {
    /** Spark MLlib {@code RowMatrix.computeGramianMatrix} over the rows z. */
    ROW_MATRIX,
    /**
     * Rows stacked into blocks inside each partition, Z^T Z accumulated by BLAS DSYRK (upper triangle).
     * The default: on 10,000 x 784 rows, local[2], 0.6-0.8 s against 3.8-5.2 s for {@link #ROW_MATRIX}
     * (one loaded 2-core Xeon; bench-pretrain.sh prints both at 50,000 rows).
     */
    BLOCKED
}
