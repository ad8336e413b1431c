/** Least-squares (ridge) readouts from feature vectors onto one-hot class labels. */
package ai.laes.readout;
