package ai.laes.jobs;

import ai.laes.data.SequenceTask;
import ai.laes.io.InputException;
import ai.laes.laes.EigenSolver;
import ai.laes.laes.GramRoute;
import ai.laes.laes.SvdRoute;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the pretraining job; defaults in {@code reference.conf} under {@code laes.pretrain}. */
@Command(name = "pretrain", sortOptions = false,
        description = "Computes the exact LAES of the training sequences and writes A, B, the mean, singular values, "
                + "reconstruction errors and the readout accuracy.")
public final class PretrainOptions implements JobLauncher.Validated {
    @Option(names = "--data", required = true, paramLabel = "PREPARED", description = "Output of the prepare job.")
    String data;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--task", paramLabel = "TASK",
            description = "smnist or pmnist (default: ${DEFAULT-VALUE}).")
    SequenceTask task;

    @Option(names = "--memory-size", paramLabel = "P", description = "Memory size p, the number of LAES components (default: ${DEFAULT-VALUE}).")
    int memorySize;

    @Option(names = "--svd", paramLabel = "ROUTE", description = "gram (structured Gram, exact, one pass) or xi (literal SVD of the prefix matrix; small data only) (default: ${DEFAULT-VALUE}).")
    SvdRoute svd;

    @Option(names = "--gram", paramLabel = "PATH", description = "How the Gram pass runs: blocked (GEMM on row blocks) or rowmatrix (MLlib) (default: ${DEFAULT-VALUE}).")
    GramRoute gram;

    @Option(names = "--eigen-solver", paramLabel = "LIB", description = "Eigendecomposition of G: netlib (LAPACK in pure Java, "
            + "the same on every CPU) or nd4j (ND4J's native OpenBLAS; wrong on some AVX-512 CPUs, for comparison); "
            + "either result is checked (default: ${DEFAULT-VALUE}).")
    EigenSolver eigenSolver;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N training sequences; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public void validate() {
        if (memorySize <= 0) {
            throw new InputException("--memory-size " + memorySize + ": must be positive");
        }
        if (limit < 0) {
            throw new InputException("--limit " + limit + ": must be 0 (all) or positive");
        }
    }

}
