package ai.laes.jobs;

import ai.laes.io.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the prepare job; defaults in {@code reference.conf} under {@code laes.prepare}. */
@Command(name = "prepare", mixinStandardHelpOptions = false, sortOptions = false,
        description = "Writes MNIST as Parquet shards train/ (first 50,000), validation/ (last 10,000), test/ (10,000) and permutation.npy.")
public final class PrepareOptions implements JobLauncher.Validated {
    @Option(names = "--mnist", required = true, paramLabel = "DIR",
            description = "Directory with the four original gzipped MNIST IDX files (any Hadoop FileSystem).")
    String mnist;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--shards", paramLabel = "N", description = "Parquet files per split, and per copy of the training set (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--permutation-seed", paramLabel = "S", description = "Seed of the pMNIST pixel permutation (default: ${DEFAULT-VALUE}).")
    long permutationSeed;

    @Option(names = "--replicate", paramLabel = "R", description = "Copies of the training set, each after the first randomly shifted by up to 2 pixels (default: ${DEFAULT-VALUE}).")
    int replicate;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the replicas' shifts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void validate() {
        if (shards < 1) {
            throw new InputException("--shards " + shards + ": must be at least 1");
        }
        if (replicate < 1) {
            throw new InputException("--replicate " + replicate + ": must be at least 1");
        }
    }
}
