package ai.laes.laes;

/** How U_p and the singular values of Xi are found. */
public enum SvdRoute {
    /** Eigendecomposition of G = Xi^T Xi assembled from one Gram pass (the production route). */
    GRAM,
    /** Spark's RowMatrix.computeSVD over the materialised prefix rows of Xi (the test oracle). */
    XI
}
