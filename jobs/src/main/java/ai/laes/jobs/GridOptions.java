package ai.laes.jobs;

import ai.laes.data.SequenceTask;
import ai.laes.io.InputException;
import ai.laes.train.Architecture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options of the grid job; defaults in {@code reference.conf} under {@code laes.grid}. The options a grid varies
 * ({@link ai.laes.train.grid.GridSpec.Key}) and every other fine-tuning option take the fine-tune job's defaults
 * ({@code laes.finetune}, overlaid by the same {@code --config}) unless the grid file lists them.
 */
@Command(name = "grid", mixinStandardHelpOptions = false, sortOptions = false,
        description = "Trains a grid of fine-tuning configurations side by side on Spark, one network per task, and selects the one "
                + "with the lowest validation loss.")
public final class GridOptions implements JobLauncher.Validated {
    @Option(names = "--data", required = true, paramLabel = "PREPARED", description = "A prepared dataset (output of prepare).")
    String data;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--init", paramLabel = "PRETRAIN_OUT", description = "A pretraining output; every configuration starts from its model/lmn-init.zip.")
    String init;

    @Option(names = "--grid", paramLabel = "FILE", description = "HOCON lists of option values (learning-rate, orthogonality-penalty, "
            + "detach-probability, init-scheme, batch-size, weight-decay, clip-norm); default: the reference grid "
            + "(learning-rate x orthogonality-penalty x detach-probability, 40 configurations).")
    String grid;

    @Option(names = "--model", paramLabel = "MODEL", description = "lmn or lstm (default: ${DEFAULT-VALUE}).")
    Architecture model;

    @Option(names = "--task", paramLabel = "TASK", description = "smnist or pmnist (default: ${DEFAULT-VALUE}).")
    SequenceTask task;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs per configuration (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden (= memory) size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N images (by index) of each split; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--crop-steps", paramLabel = "T", description = "Keep only the last T steps of each sequence, for quick runs; 0 = all 784 (default: ${DEFAULT-VALUE}).")
    int cropSteps;

    @Option(names = "--eval-batch-size", paramLabel = "B", description = "Minibatch size of the validation and test evaluations (default: ${DEFAULT-VALUE}).")
    int evalBatchSize;

    @Option(names = "--parallel", paramLabel = "N", description = "Configurations trained at once; 0 = Spark's default parallelism, "
            + "the cluster's cores (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of every configuration's initialisation and per-epoch shuffles (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue the unfinished grid of --out: finished configurations are kept, the others "
            + "continue from their newest checkpoint.")
    boolean resume;

    @Override
    public void validate() {
        if (parallel < 0) {
            throw new InputException("--parallel " + parallel + ": must be 0 or positive");
        }
        // The rest (epochs, hidden, limit, crop steps, ...) is checked per configuration by the fine-tune options.
    }
}
