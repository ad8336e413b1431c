/** Spark glue shared by the jobs: named, timed stages with progress in the Spark UI and the log. */
package ai.laes.spark;
