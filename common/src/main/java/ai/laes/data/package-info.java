/** MNIST as data: the original IDX files, Parquet shards, and the sequential / permuted sequence views. */
package ai.laes.data;
