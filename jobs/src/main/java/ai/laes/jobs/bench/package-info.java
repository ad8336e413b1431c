/** Benchmarks run through spark-submit that print timings and ratios against a baseline in the same process. */
package ai.laes.jobs.bench;
