package ai.laes.laes;

/** Which library eigen-decomposes the symmetric G = Xi^T Xi; both results are checked (see {@link LaesChecks}). */
public enum EigenSolver {
    /**
     * LAPACK dsyevr compiled to pure Java (netlib's F2J, the fallback LAPACK of Spark MLlib): the same
     * arithmetic on every CPU. About 0.7 s for order 784 once warm (1.5 s cold), top p vectors only.
     */
    NETLIB,
    /**
     * LAPACK dsyev in the OpenBLAS that ND4J bundles (native, 0.6 s for order 784), whose kernels depend on
     * the CPU: wrong eigenvectors with its SkylakeX kernels on AVX-512 Intel CPUs. For comparison only.
     */
    ND4J
}
