package ai.laes.jobs;

import java.util.List;

import ai.laes.data.SourceFormat;
import ai.laes.io.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options of the prepare job; defaults in {@code reference.conf} under {@code laes.prepare}. */
@Command(name = "prepare", mixinStandardHelpOptions = false, sortOptions = false,
        description = {"Writes a prepared dataset: Parquet shards train/, validation/, test/ and dataset.json.",
            "--format mnist: MNIST's train/ (first 50,000), validation/ (last 10,000), test/ (10,000) and permutation.npy.",
            "--format parquet: the labelled sequences of --input, split by --split-col, by fractions, or by separate inputs."})
public final class PrepareOptions implements JobLauncher.Validated {
    /** The options only --format parquet reads. */
    static final List<String> PARQUET_ONLY = List.of("--input", "--input-validation", "--input-test", "--sequence-col",
            "--label-col", "--id-col", "--split-col", "--validation-fraction", "--test-fraction", "--feature-size", "--max-length");
    /** The options only --format mnist reads. */
    static final List<String> MNIST_ONLY = List.of("--mnist", "--permutation-seed", "--replicate");

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", description = "What to read: mnist (the four IDX files of --mnist) or parquet (--input) (default: ${DEFAULT-VALUE}).")
    SourceFormat format;

    @Option(names = "--mnist", paramLabel = "DIR",
            description = "Directory with the four original gzipped MNIST IDX files (any Hadoop FileSystem); required with --format mnist.")
    String mnist;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--shards", paramLabel = "N", description = "Parquet files per split, and per copy of the training set (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--permutation-seed", paramLabel = "S", description = "Seed of the pMNIST pixel permutation (default: ${DEFAULT-VALUE}).")
    long permutationSeed;

    @Option(names = "--replicate", paramLabel = "R", description = "Copies of the training set, each after the first randomly shifted by up to 2 pixels (default: ${DEFAULT-VALUE}).")
    int replicate;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the replicas' shifts (mnist) and of the split by fractions (parquet) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--input", paramLabel = "PATH", description = "Parquet file or directory of labelled sequences (any Hadoop FileSystem); required with --format parquet.")
    String input;

    @Option(names = "--input-validation", paramLabel = "PATH", description = "Parquet of the validation split, with --input-test: then --input is the training split.")
    String inputValidation;

    @Option(names = "--input-test", paramLabel = "PATH", description = "Parquet of the test split, with --input-validation.")
    String inputTest;

    @Option(names = "--sequence-col", paramLabel = "NAME", description = "The sequences: array<array<double|float>> (steps x features), array<double|float> or vector (flattened step-major).")
    String sequenceCol;

    @Option(names = "--label-col", paramLabel = "NAME", description = "The labels, integer or string; classes are indexed in sorted order of their values.")
    String labelCol;

    @Option(names = "--id-col", paramLabel = "NAME", description = "Row ids, string or integer (default: the row number over the input's files in path order).")
    String idCol;

    @Option(names = "--split-col", paramLabel = "NAME", description = "The split of each row, a string column of train, validation or test.")
    String splitCol;

    @Option(names = "--validation-fraction", paramLabel = "F", description = "Fraction of rows for validation, by a seeded hash of the id, without --split-col and --input-validation (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--test-fraction", paramLabel = "F", description = "Fraction of rows for test, likewise (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--feature-size", paramLabel = "K", description = "Features per step; a flattened sequence is cut into steps of K (default: ${DEFAULT-VALUE}: the inner arrays' size, or 1).")
    int featureSize;

    @Option(names = "--max-length", paramLabel = "N", description = "Longest sequence allowed; a longer one is an error (default: ${DEFAULT-VALUE}: no limit).")
    int maxLength;

    @Override
    public void validate() {
        atLeast("--shards", shards, 1);
        atLeast("--replicate", replicate, 1);
        atLeast("--feature-size", featureSize, 0);
        atLeast("--max-length", maxLength, 0);
        onlyWith(format == SourceFormat.MNIST ? PARQUET_ONLY : MNIST_ONLY);
        if (format == SourceFormat.MNIST) {
            required("--mnist", mnist, format);
        } else {
            validateParquet();
        }
    }

    private void validateParquet() {
        required("--input", input, format);
        required("--sequence-col", sequenceCol, format);
        required("--label-col", labelCol, format);
        if ((inputValidation == null) != (inputTest == null)) {
            throw new InputException((inputTest == null ? "--input-validation" : "--input-test")
                    + ": give both --input-validation and --input-test, or neither");
        }
        if (splitCol != null && inputValidation != null) {
            throw new InputException("--split-col " + splitCol + ": not with --input-validation and --input-test (choose one way to split)");
        }
        boolean byFractions = splitCol == null && inputValidation == null;
        for (String fraction : List.of("--validation-fraction", "--test-fraction")) {
            if (!byFractions && given(fraction)) {
                throw new InputException(fraction + ": only when splitting by fractions (not with --split-col or --input-validation)");
            }
        }
        fraction("--validation-fraction", validationFraction);
        fraction("--test-fraction", testFraction);
        if (byFractions && validationFraction + testFraction >= 1) {
            throw new InputException("--validation-fraction " + validationFraction + " and --test-fraction " + testFraction
                    + ": leave no training set (their sum must be below 1)");
        }
    }

    private void onlyWith(List<String> options) {
        for (String o : options) {
            if (given(o)) {
                throw new InputException(o + ": not an option of --format " + JobLauncher.label(format));
            }
        }
    }

    /** True if {@code option} was on the command line (not a default). */
    private boolean given(String option) {
        return spec != null && spec.commandLine() != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private static void required(String option, String value, SourceFormat format) {
        if (value == null) {
            throw new InputException(option + ": required with --format " + JobLauncher.label(format));
        }
    }

    private static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new InputException(option + " " + value + ": must be at least " + min);
        }
    }

    private static void fraction(String option, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new InputException(option + " " + value + ": must be in [0, 1)");
        }
    }
}
