/** Integration tests that run the submit/ scripts for real: spark-submit on local[*], on a standalone cluster and on an in-process YARN with HDFS. */
package ai.laes.jobs.it;
