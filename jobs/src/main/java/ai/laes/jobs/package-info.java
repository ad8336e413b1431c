/** The Spark entry points run by spark-submit: prepare shards, pretrain the LAES, fine-tune, report. */
package ai.laes.jobs;
