package ai.laes.numerics;

import java.util.Locale;

/**
 * A result the product checks at run time (an eigendecomposition, a GEMM, the stability of a model
 * about to be written) was wrong: a library computed garbage on this CPU. Jobs print its one-line
 * message (which names the check, the figure, the BLAS and the CPU, and what to try) and exit 1
 * without committing any output. Serializable, so a failure on an executor reaches the driver intact.
 */
public final class NumericsCheckFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private NumericsCheckFailed(String message) {
        super(message);
    }

    /**
     * The failure of check {@code check}: {@code figure} was {@code value}, outside {@code limit}; the
     * message adds the platform of the JVM that found it (an executor's CPU may differ from the driver's).
     */
    public static NumericsCheckFailed of(String check, String figure, double value, String limit) {
        return new NumericsCheckFailed(String.format(Locale.ROOT,
                "numerics check '%s' failed: %s = %.3g (must be %s); %s%s",
                check, figure, value, limit, NativePlatform.describe(), NativePlatform.advice()));
    }
}
