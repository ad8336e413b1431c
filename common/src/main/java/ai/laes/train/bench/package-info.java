/**
 * Benchmark mains of the recurrent layers (run by hand; they print numbers and ratios): the LMN layer against DL4J's
 * LSTM, our LstmLayer and SimpleRnn, and the LMN's inference by batch size. They build classifiers of both layers, so
 * they live above both, beside {@link ai.laes.train.RecurrentClassifiers}.
 */
package ai.laes.train.bench;
