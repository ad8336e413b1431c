package ai.laes.data;

import java.util.Locale;

/** How the Parquet shards of a prepared dataset store a row; recorded as {@code layout} in {@link DatasetInfo}. */
public enum ShardLayout {
    /** MNIST's own shards ({@link MnistShards}): {@code index} long, {@code label} int, {@code pixels} 784 bytes. */
    MNIST,
    /** The general shards ({@link SequenceShards}): {@code id}, {@code label}, {@code length}, {@code values}. */
    SEQUENCES;

    /** The lower-case name written in dataset.json. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
