package ai.laes.jobs;

import ai.laes.io.InputException;
import ai.laes.train.grid.GridSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options of the grid job; defaults in {@code reference.conf} under {@code laes.grid}. The options a grid varies
 * ({@link GridSpec.Key}) and every other fine-tuning option take the fine-tune job's defaults
 * ({@code laes.finetune}, overlaid by the same {@code --config}) unless the grid file lists them. The options it shares
 * with the fine-tune job are {@link TrainingOptions}, described for a grid by {@code GridHelp.properties}.
 */
@Command(name = "grid", mixinStandardHelpOptions = false, sortOptions = false, resourceBundle = "ai.laes.jobs.GridHelp",
        description = "Trains a grid of fine-tuning configurations side by side on Spark, one network per task, and selects the one "
                + "with the lowest validation loss.")
public final class GridOptions implements JobLauncher.Validated, EpochBudget.Budgeted {
    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--grid", paramLabel = "FILE", description = "HOCON lists of option values (learning-rate, orthogonality-penalty, "
            + "detach-probability, init-scheme, batch-size, weight-decay, clip-norm); default: the reference grid "
            + "(learning-rate x orthogonality-penalty x detach-probability, 40 configurations).")
    String grid;

    @Option(names = "--parallel", paramLabel = "N", description = "Configurations trained at once; 0 = Spark's default parallelism, "
            + "the cluster's cores (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--best-per", paramLabel = "OPTION", converter = KeyConverter.class, description = "Also, for each value of "
            + "this grid option (one the grid lists, e.g. init-scheme or learning-rate), select the configuration with the lowest "
            + "validation loss among those with that value and evaluate it on the test split: best-per-OPTION/VALUE/ and "
            + "best_per_OPTION.csv (default: only the overall best).")
    GridSpec.Key bestPer;

    /** {@code --best-per}'s value: a grid option by its name in the grid file ({@link GridSpec.Key#option()}). */
    static final class KeyConverter implements CommandLine.ITypeConverter<GridSpec.Key> {
        @Override
        public GridSpec.Key convert(String value) {
            return JobLauncher.typed(() -> GridSpec.Key.named(value, "--best-per " + value));
        }
    }

    @Override
    public void validate() {
        if (parallel < 0) {
            throw new InputException("--parallel " + parallel + ": must be 0 or positive");
        }
        // The rest (epochs, hidden, limit, crop steps, ...) is checked per configuration by the fine-tune options.
    }

    @Override
    public int epochs() {
        return training.epochs;
    }

    @Override
    public String savedOptions() {
        return GridJob.CONFIGURATIONS;
    }

    /** The configurations share one budget: the largest saved. */
    @Override
    public int savedEpochs(java.util.Map<String, Object> saved) {
        return saved.values().stream().mapToInt(c -> ((Number) ((java.util.Map<?, ?>) c).get("epochs")).intValue()).max().orElse(0);
    }
}
