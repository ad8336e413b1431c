/** An LSTM layer of our own: DL4J's LSTM mathematics, recurrence with native GEMMs on time-major buffers. */
package ai.laes.lstm;
