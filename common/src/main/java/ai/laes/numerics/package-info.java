/**
 * Trust in native numerics: the CPU and BLAS a JVM runs on, a once-per-JVM GEMM canary against plain
 * Java, and the failure that stops a job when a cheaply checkable result is wrong.
 */
package ai.laes.numerics;
