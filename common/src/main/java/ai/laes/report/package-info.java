/** The evaluation report: reconstruction versus sequence length, gradient propagation, accuracy, and the page that shows them. */
package ai.laes.report;
