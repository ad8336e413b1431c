/**
 * Spark ML stages: the exact LAES as an {@code Estimator} ({@link ai.laes.ml.LaesEncoder}) whose model appends each
 * sequence's final memory state, savable alone or inside a {@code PipelineModel}. See docs/spark-ml.md.
 */
package ai.laes.ml;
