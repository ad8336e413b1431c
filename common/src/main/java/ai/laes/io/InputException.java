package ai.laes.io;

/**
 * A usage or input error: a missing, corrupt or mis-shaped input, an impossible size, or an
 * existing output. Its message is one line naming the input and the problem; jobs exit with 2.
 */
public class InputException extends IllegalArgumentException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
