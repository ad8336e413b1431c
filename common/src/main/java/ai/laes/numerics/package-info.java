/**
 * Trust in native numerics: the CPU and BLAS a JVM runs on, a once-per-JVM GEMM canary against plain
 * Java, the failure that stops a job when a cheaply checkable result is wrong, and the seeded random
 * matrices every initialisation draws from (PyTorch's distributions, as the reference implementation uses them).
 */
package ai.laes.numerics;
