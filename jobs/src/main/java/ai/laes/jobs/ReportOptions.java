package ai.laes.jobs;

import ai.laes.data.SequenceTask;
import ai.laes.io.InputException;
import ai.laes.report.ReportBudget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the report job; defaults in {@code reference.conf} under {@code laes.report}. */
@Command(name = "report", sortOptions = false,
        description = "Writes the evaluation report: reconstruction error vs sequence length (LAES, random orthogonal, "
                + "gradient descent), gradient norms through time at initialisation, accuracy after initialisation; "
                + "CSVs, PNG plots, summary.json and index.html.")
public final class ReportOptions implements JobLauncher.Validated {
    @Option(names = "--data", required = true, paramLabel = "PREPARED", description = "Output of the prepare job.")
    String data;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--task", paramLabel = "TASK", description = "smnist or pmnist (default: ${DEFAULT-VALUE}).")
    SequenceTask task;

    @Option(names = "--budget", paramLabel = "BUDGET", description = "quick (thousands of sequences, minutes) or full (all splits) (default: ${DEFAULT-VALUE}).")
    String budget;

    @Option(names = "--memory-size", paramLabel = "P", description = "Memory size of every memory and network (default: ${DEFAULT-VALUE}).")
    int memorySize;

    @Option(names = "--limit", paramLabel = "N", description = "Use at most the first N training sequences anywhere; 0 = the budget's counts (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random memories and networks (default: ${DEFAULT-VALUE}).")
    long seed;

    ReportBudget resolvedBudget() {
        return ReportBudget.named(budget).limitedTo(limit);
    }

    @Override
    public void validate() {
        if (memorySize <= 0) {
            throw new InputException("--memory-size " + memorySize + ": must be positive");
        }
        if (limit < 0) {
            throw new InputException("--limit " + limit + ": must be 0 (all) or positive");
        }
        ReportBudget.named(budget);
    }
}
