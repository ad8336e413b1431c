/** Benchmark mains that print LAES timings and ratios against a baseline in the same process. */
package ai.laes.laes.bench;
