/** Parameter-averaged fine-tuning of recurrent classifiers on Spark: epochs, evaluation, checkpoints and the gradient probe. */
package ai.laes.train;
