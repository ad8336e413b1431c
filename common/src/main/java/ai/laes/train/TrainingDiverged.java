package ai.laes.train;

/** The training loss or the parameters stopped being finite; the run stops instead of training on garbage. */
public final class TrainingDiverged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDiverged(String message) {
        super(message);
    }
}
