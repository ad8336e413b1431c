package ai.laes.lmn.init;

/** The LMN initialisations of laes-math.md section 3 ({@code --init-scheme}). */
public enum InitScheme {
    /** From the LAES of the training sequences ({@link LmnInitializer#laes}). */
    LAES,
    /** Random orthogonal W_mm, the other weights Xavier-normal ({@link LmnInitializer#orthogonal}). */
    ORTHOGONAL,
    /** Xavier-normal weights ({@link LmnInitializer#random}). */
    RANDOM
}
