package ai.laes.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import ai.laes.io.InputException;
import ai.laes.lmn.init.InitScheme;
import ai.laes.train.Architecture;
import ai.laes.train.Hyperparameters;
import ai.laes.train.ReadoutScheme;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options of the fine-tuning job; defaults in {@code reference.conf} under {@code laes.finetune}. The options it shares
 * with the grid job are {@link TrainingOptions}.
 */
@Command(name = "finetune", mixinStandardHelpOptions = false, sortOptions = false,
        description = "Fine-tunes a sequence classifier on prepared MNIST with parameter averaging on Spark.")
public final class FinetuneOptions implements JobLauncher.Validated, EpochBudget.Budgeted {
    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--init-scheme", paramLabel = "SCHEME", description = "laes, orthogonal or random (LMN only; default: ${DEFAULT-VALUE}).")
    InitScheme initScheme;

    @Option(names = "--readout", paramLabel = "READOUT", description = "How the output layer starts: lsq (least squares on the final states) "
            + "or random (the reference's classifier head: Xavier-normal with gain 0.9, bias 0.01 U(0, 1)); default: lsq for the LMN with --init-scheme laes or --init, random otherwise.")
    ReadoutScheme readout;

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

    @Option(names = "--orthogonality-penalty", paramLabel = "ALPHA", description = "LMN: alpha of alpha*||W_mm W_mm^T - I||_F^2 added to each minibatch loss; 0 = off (default: ${DEFAULT-VALUE}).")
    double orthogonalityPenalty;

    @Option(names = "--detach-probability", paramLabel = "P", description = "LMN: probability, drawn per time step for the whole minibatch (seeded by --seed), "
            + "that the m_{t-1} feeding the functional component is a constant in backpropagation; 0 = off (default: ${DEFAULT-VALUE}).")
    double detachProbability;

    @Option(names = "--workers", paramLabel = "W", description = "Parallel workers; 0 = Spark's default parallelism (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--probe-epochs", paramLabel = "LIST", description = "Epochs whose first iteration records ||dL/dm_t||: numbers, first, last, all, none (default: ${DEFAULT-VALUE}).")
    String probeEpochs;

    @Override
    public void validate() {
        positive("--epochs", training.epochs);
        positive("--batch-size", batchSize);
        positive("--averaging-frequency", averagingFrequency);
        positive("--hidden", training.hidden);
        positive("--eval-batch-size", training.evalBatchSize);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new InputException("--learning-rate " + learningRate + ": must be a positive number");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new InputException("--weight-decay " + weightDecay + ": must be 0 or positive");
        }
        if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) {
            throw new InputException("--clip-norm " + clipNorm + ": must be 0 (off) or positive");
        }
        if (workers < 0 || training.limit < 0) {
            throw new InputException((workers < 0 ? "--workers " + workers : "--limit " + training.limit) + ": must be 0 or positive");
        }
        if (training.cropSteps < 0) {
            throw new InputException("--crop-steps " + training.cropSteps + ": must be at least 0");
        }
        if (!(orthogonalityPenalty >= 0) || !Double.isFinite(orthogonalityPenalty)) {
            throw new InputException("--orthogonality-penalty " + orthogonalityPenalty + ": must be 0 (off) or positive");
        }
        if (!(detachProbability >= 0 && detachProbability <= 1)) {
            throw new InputException("--detach-probability " + detachProbability + ": must be in [0, 1]");
        }
        if (training.model == Architecture.LSTM && (orthogonalityPenalty > 0 || detachProbability > 0)) {
            throw new InputException("--model lstm: --orthogonality-penalty and --detach-probability apply to the LMN only");
        }
        if (training.init != null && initScheme != null && initScheme != InitScheme.LAES) {
            throw new InputException("--init " + training.init + " is a LAES start; --init-scheme " + JobLauncher.label(initScheme)
                    + " draws the network instead (drop one of them)");
        }
        if (readout == null) {
            readout = ReadoutScheme.defaultFor(training.model == Architecture.LMN && (initScheme == InitScheme.LAES || training.init != null));
        }
        probeEpochSet();
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new InputException(name + " " + value + ": must be at least 1");
        }
    }

    /** The optimiser and, for the LMN, the memory settings (detach draws seeded by {@code --seed}). */
    Hyperparameters hyperparameters() {
        return new Hyperparameters(learningRate, weightDecay, clipNorm, orthogonalityPenalty, detachProbability, training.seed);
    }

    /** The epochs to probe, from "first,last", "all", "none" or numbers. */
    TreeSet<Integer> probeEpochSet() {
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : probeEpochs.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            switch (p) {
                case "", "none" -> { }
                case "first" -> out.add(1);
                case "last" -> out.add(training.epochs);
                case "all" -> {
                    for (int e = 1; e <= training.epochs; e++) {
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
        return new ArrayList<>(List.of("data", "init", "init-scheme", "model", "task", "readout", "batch-size", "averaging-frequency",
                "learning-rate", "weight-decay", "clip-norm", "orthogonality-penalty", "detach-probability", "hidden", "limit",
                "crop-steps", "seed"));
    }

    @Override
    public int epochs() {
        return training.epochs;
    }

    @Override
    public String savedOptions() {
        return FinetuneJob.OPTIONS;
    }

    @Override
    public int savedEpochs(java.util.Map<String, Object> saved) {
        return ((Number) saved.get("epochs")).intValue();
    }
}
