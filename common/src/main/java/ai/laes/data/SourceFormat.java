package ai.laes.data;

import java.util.Locale;

/** What the prepare job reads (its {@code --format}); recorded as {@code source.format} in {@link DatasetInfo}. */
public enum SourceFormat {
    /** The four original MNIST IDX files. */
    MNIST,
    /** The user's labelled sequences in Parquet ({@link SequenceSource}). */
    PARQUET;

    /** The lower-case name used on the command line and in dataset.json. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
