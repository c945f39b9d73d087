package dev.jbert.cli;

/** A problem with the user's input: reported as one line, without a stack trace. */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
