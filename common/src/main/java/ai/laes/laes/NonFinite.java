package ai.laes.laes;

import java.util.function.Supplier;

import ai.laes.io.InputException;

/** NaN and infinite values in user sequences: found inside a pass the computation makes anyway, reported by position. */
final class NonFinite {
    private NonFinite() {
    }

    /** The index of the first NaN or infinite element of {@code seq}, or -1. */
    static int firstIndex(double[] seq) {
        for (int i = 0; i < seq.length; i++) {
            if (!Double.isFinite(seq[i])) {
                return i;
            }
        }
        return -1;
    }

    /** "{@code which} has the non-finite value NaN at step t (feature f)", steps counted from 1 (element i = (t-1)*k + f). */
    static String describe(String which, double value, int element, int k) {
        return which + " has the non-finite value " + value + " at step " + (element / k + 1)
                + (k > 1 ? ", feature " + element % k : "");
    }

    /** Thrown on an executor for sequence {@code position} of {@code partition}, whose element {@code element} is bad. */
    static InputException inPartition(int partition, long position, double[] seq, int element, int k) {
        return new InputException(describe("sequences: sequence " + position + " of partition " + partition,
                seq[element], element, k));
    }

    /** Runs a Spark job, rethrowing an InputException raised on an executor as itself (not wrapped in SparkException). */
    static <T> T rethrowingInputErrors(Supplier<T> job) {
        try {
            return job.get();
        } catch (InputException e) {
            throw e;
        } catch (Exception e) { // SparkException is checked, but Scala throws it through Supplier.get
            for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
                if (t instanceof InputException input) {
                    throw new InputException(input.getMessage(), e);
                }
            }
            throw NonFinite.<RuntimeException>unchanged(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E unchanged(Exception e) throws E {
        throw (E) e;
    }
}
