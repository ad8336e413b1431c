package ai.laes.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import ai.laes.data.SequenceTask;
import ai.laes.io.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the fine-tuning job; defaults in {@code reference.conf} under {@code laes.finetune}. */
@Command(name = "finetune", mixinStandardHelpOptions = false, sortOptions = false,
        description = "Fine-tunes a sequence classifier on prepared MNIST with parameter averaging on Spark.")
public final class FinetuneOptions implements JobLauncher.Validated {
    @Option(names = "--data", required = true, paramLabel = "PREPARED", description = "A prepared dataset (output of prepare).")
    String data;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--init", paramLabel = "PRETRAIN_OUT", description = "A pretraining output; starts from its model/lmn-init.zip.")
    String init;

    @Option(names = "--init-scheme", paramLabel = "SCHEME", description = "laes, orthogonal or random (LMN only; default: ${DEFAULT-VALUE}).")
    String initScheme;

    @Option(names = "--model", paramLabel = "MODEL", description = "lmn or lstm (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--task", paramLabel = "TASK", description = "smnist or pmnist (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "Minibatch size per worker (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--averaging-frequency", paramLabel = "F", description = "Minibatches per worker between averagings (default: ${DEFAULT-VALUE}).")
    int averagingFrequency;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip-norm", paramLabel = "C", description = "Gradient-norm clipping threshold, 0 = off (default: ${DEFAULT-VALUE}).")
    double clipNorm;

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden (= memory) size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--workers", paramLabel = "W", description = "Parallel workers; 0 = Spark's default parallelism (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N images (by index) of each split; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--crop-steps", paramLabel = "T", description = "Keep only the last T steps of each sequence, for quick runs; 0 = all 784 (default: ${DEFAULT-VALUE}).")
    int cropSteps;

    @Option(names = "--eval-batch-size", paramLabel = "B", description = "Minibatch size of the distributed evaluation (default: ${DEFAULT-VALUE}).")
    int evalBatchSize;

    @Option(names = "--probe-epochs", paramLabel = "LIST", description = "Epochs whose first iteration records ||dL/dm_t||: numbers, first, last, all, none (default: ${DEFAULT-VALUE}).")
    String probeEpochs;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the initialisation and the per-epoch shuffles (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue the unfinished run of --out from its newest checkpoint.")
    boolean resume;

    SequenceTask sequenceTask() {
        return SequenceTask.parse(task);
    }

    @Override
    public void validate() {
        positive("--epochs", epochs);
        positive("--batch-size", batchSize);
        positive("--averaging-frequency", averagingFrequency);
        positive("--hidden", hidden);
        positive("--eval-batch-size", evalBatchSize);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new InputException("--learning-rate " + learningRate + ": must be a positive number");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new InputException("--weight-decay " + weightDecay + ": must be 0 or positive");
        }
        if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) {
            throw new InputException("--clip-norm " + clipNorm + ": must be 0 (off) or positive");
        }
        if (workers < 0 || limit < 0) {
            throw new InputException((workers < 0 ? "--workers " + workers : "--limit " + limit) + ": must be 0 or positive");
        }
        if (cropSteps < 0 || cropSteps > 784) {
            throw new InputException("--crop-steps " + cropSteps + ": must be in 0..784");
        }
        if (!List.of("lmn", "lstm").contains(model)) {
            throw new InputException("--model " + model + ": unknown model (expected lmn or lstm)");
        }
        if (!List.of("laes", "orthogonal", "random").contains(initScheme)) {
            throw new InputException("--init-scheme " + initScheme + ": unknown scheme (expected laes, orthogonal or random)");
        }
        sequenceTask();
        probeEpochSet();
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new InputException(name + " " + value + ": must be at least 1");
        }
    }

    /** The epochs to probe, from "first,last", "all", "none" or numbers. */
    TreeSet<Integer> probeEpochSet() {
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : probeEpochs.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            switch (p) {
                case "", "none" -> { }
                case "first" -> out.add(1);
                case "last" -> out.add(epochs);
                case "all" -> {
                    for (int e = 1; e <= epochs; e++) {
                        out.add(e);
                    }
                }
                default -> {
                    try {
                        out.add(Integer.parseInt(p));
                    } catch (NumberFormatException e) {
                        throw new InputException("--probe-epochs " + probeEpochs + ": '" + part + "' is not an epoch, first, last, all or none");
                    }
                }
            }
        }
        return out;
    }

    /** The options that define the training trajectory; a resumed run must match them. */
    List<String> trajectoryKeys() {
        return new ArrayList<>(List.of("data", "init", "init-scheme", "model", "task", "batch-size", "averaging-frequency",
                "learning-rate", "weight-decay", "clip-norm", "hidden", "limit", "crop-steps", "seed"));
    }
}
