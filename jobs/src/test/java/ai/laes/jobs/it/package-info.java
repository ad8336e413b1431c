/** Integration tests that run the submit/ scripts for real: spark-submit on local[*] and on a standalone cluster. */
package ai.laes.jobs.it;
