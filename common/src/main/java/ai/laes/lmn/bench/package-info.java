/** Benchmark main comparing the LMN layer with DL4J LSTM and SimpleRnn. */
package ai.laes.lmn.bench;
