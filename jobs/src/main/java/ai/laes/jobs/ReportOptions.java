package ai.laes.jobs;

import java.util.List;

import ai.laes.data.SequenceTask;
import ai.laes.io.InputException;
import ai.laes.report.ReportBudget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the report job; defaults in {@code reference.conf} under {@code laes.report}. */
@Command(name = "report", sortOptions = false,
        description = "Writes the evaluation report: reconstruction error vs sequence length (LAES, random orthogonal, "
                + "gradient descent, LAES with per-lag decoders), gradient norms through time at initialisation, accuracy after "
                + "initialisation and after fine-tuning with validation curves, for sMNIST and pMNIST; "
                + "CSVs, PNG plots, summary.json and index.html.")
public final class ReportOptions implements JobLauncher.Validated {
    @Option(names = "--data", required = true, paramLabel = "PREPARED", description = "Output of the prepare job.")
    String data;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--task", paramLabel = "TASK", description = "smnist, pmnist or both (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--budget", paramLabel = "BUDGET", description = "quick (thousands of sequences, minutes), standard (10,000 training sequences, full validation and test splits, hours) "
            + "or full (all splits, 100 epochs; a cluster) (default: ${DEFAULT-VALUE}).")
    String budget;

    @Option(names = "--epochs", paramLabel = "N", description = "Fine-tuning epochs; 0 = the budget's (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam learning rate of the fine-tuning; 0 = the budget's (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--memory-size", paramLabel = "P", description = "Memory size of every memory and network (default: ${DEFAULT-VALUE}).")
    int memorySize;

    @Option(names = "--limit", paramLabel = "N", description = "Use at most the first N training sequences anywhere; 0 = the budget's counts (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random memories and networks (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seed-spread", paramLabel = "S", description = "Spread of the fine-tuned test accuracy between seeds, which "
            + "claim 3 needs a start's lead to exceed; -1 = measure it: the LAES-initialised LMN is fine-tuned a second time with "
            + "--seed + 1 (one more fine-tuning per task) (default: ${DEFAULT-VALUE}).")
    double seedSpread;

    ReportBudget resolvedBudget() {
        return ReportBudget.named(budget).limitedTo(limit).withFinetuning(epochs, learningRate);
    }

    /** The tasks of {@code --task}, sMNIST first. */
    List<SequenceTask> tasks() {
        if (task.trim().equalsIgnoreCase("both")) {
            return List.of(SequenceTask.SMNIST, SequenceTask.PMNIST);
        }
        try {
            return List.of(SequenceTask.parse(task));
        } catch (InputException e) {
            throw new InputException("--task " + task + ": unknown task (expected smnist, pmnist or both)");
        }
    }

    @Override
    public void validate() {
        if (memorySize <= 0) {
            throw new InputException("--memory-size " + memorySize + ": must be positive");
        }
        if (limit < 0) {
            throw new InputException("--limit " + limit + ": must be 0 (all) or positive");
        }
        if (epochs < 0) {
            throw new InputException("--epochs " + epochs + ": must be 0 (the budget's) or positive");
        }
        if (learningRate < 0) {
            throw new InputException("--learning-rate " + learningRate + ": must be 0 (the budget's) or positive");
        }
        if (!(seedSpread >= 0 || seedSpread == -1)) {
            throw new InputException("--seed-spread " + seedSpread + ": must be -1 (measure it) or 0 or more");
        }
        ReportBudget.named(budget);
        tasks();
    }
}
