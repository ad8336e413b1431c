/** Benchmark main comparing the LMN layer with DL4J LSTM, our LstmLayer and SimpleRnn. */
package ai.laes.lmn.bench;
