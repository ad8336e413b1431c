/** Benchmark mains for fine-tuning throughput (run by hand; they print numbers and ratios). */
package ai.laes.train.bench;
