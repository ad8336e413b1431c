package ai.laes.lmn.init;

/**
 * The LMN initialisations the paper compares ({@code --init-scheme}); the two baselines are drawn from the reference
 * implementation's distributions (docs/laes-math.md, "The baselines").
 */
public enum InitScheme {
    /** From the LAES of the training sequences ({@link LmnInitializer#laes}). */
    LAES,
    /** The reference's orthogonal LMN: Haar-orthogonal W_mm, the other weights Xavier-normal (gain 0.9), N(0, 1) biases ({@link LmnInitializer#orthogonal}). */
    ORTHOGONAL,
    /** The reference's random LMN: Xavier-normal weights (gain 0.9), N(0, 1) biases ({@link LmnInitializer#random}). */
    RANDOM
}
