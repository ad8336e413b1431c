package ai.laes.laes;

/** How the Gram M = sum z z^T of the end-aligned centred sequences is computed. */
public enum GramRoute {
    /** Spark MLlib {@code RowMatrix.computeGramianMatrix} over the rows z. */
    ROW_MATRIX,
    /** Rows stacked into blocks inside each partition, Z^T Z accumulated by ND4J double GEMM. */
    BLOCKED
}
