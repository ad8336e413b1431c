package ai.laes.data;

import java.util.Locale;

import ai.laes.io.InputException;

/** The two classification tasks of the paper on MNIST read pixel by pixel (T = 784, k = 1). */
public enum SequenceTask {
    /** Sequential MNIST: pixels in row-major order. */
    SMNIST,
    /** Permuted MNIST: pixels in the order of one fixed random permutation. */
    PMNIST;

    /** Parses {@code smnist} or {@code pmnist} (any case). */
    public static SequenceTask parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputException("--task " + name + ": unknown task (expected smnist or pmnist)");
        }
    }

    /** The lower-case name used on the command line and in outputs. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
