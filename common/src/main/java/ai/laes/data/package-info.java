/** Datasets: MNIST (IDX files, its shards, the sequential / permuted views) and any labelled sequences (the user's Parquet read and checked, the general shards, dataset.json). */
package ai.laes.data;
