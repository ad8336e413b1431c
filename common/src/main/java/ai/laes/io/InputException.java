package ai.laes.io;

/** Bad input: the one-line message names the input and the problem. */
public class InputException extends IllegalArgumentException {
    public InputException(String message) { super(message); }
    public InputException(String message, Throwable cause) { super(message, cause); }
}
