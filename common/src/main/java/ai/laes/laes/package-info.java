/** The exact linear autoencoder for sequences (LAES): mean, structured Gram, eigen solve, encoder and decoder. */
package ai.laes.laes;
