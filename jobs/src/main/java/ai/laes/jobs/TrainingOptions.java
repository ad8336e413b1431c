package ai.laes.jobs;

import ai.laes.data.SequenceTask;
import ai.laes.train.Architecture;
import picocli.CommandLine.Option;

/**
 * The options the fine-tune and the grid job share (a picocli mixin): the data and how much of it, the starting point,
 * the model and its size, the epochs, the evaluation batch, the seed and resuming. Each job takes their defaults from
 * its own section of {@code reference.conf} ({@code laes.finetune}, {@code laes.grid}); the grid job words some of
 * their descriptions for its configurations in {@code GridHelp.properties} (by {@code descriptionKey}).
 */
public final class TrainingOptions {
    @Option(names = "--data", required = true, paramLabel = "PREPARED", description = "A prepared dataset (output of prepare).")
    String data;

    @Option(names = "--init", paramLabel = "PRETRAIN_OUT", descriptionKey = "init", description = "A pretraining output; starts from its model/lmn-init.zip.")
    String init;

    @Option(names = "--model", paramLabel = "MODEL", description = "lmn or lstm (default: ${DEFAULT-VALUE}).")
    Architecture model;

    @Option(names = "--task", paramLabel = "TASK", description = "smnist or pmnist (default: ${DEFAULT-VALUE}).")
    SequenceTask task;

    @Option(names = "--epochs", paramLabel = "N", descriptionKey = "epochs", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden (= memory) size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--limit", paramLabel = "N",
            description = "Use only the first N images (by index) of each split; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--crop-steps", paramLabel = "T",
            description = "Keep only the last T steps of each sequence, for quick runs; 0 = all (default: ${DEFAULT-VALUE}).")
    int cropSteps;

    @Option(names = "--eval-batch-size", paramLabel = "B", descriptionKey = "eval-batch-size",
            description = "Minibatch size of the distributed evaluation (default: ${DEFAULT-VALUE}).")
    int evalBatchSize;

    @Option(names = "--seed", paramLabel = "S", descriptionKey = "seed", description = "Seed of the initialisation, the random readout, "
            + "the per-epoch shuffles and the detach draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", descriptionKey = "resume", description = "Continue the unfinished run of --out from its newest checkpoint.")
    boolean resume;
}
