package dev.jbert.engine.backend;

/** A requested backend cannot run on this machine; the message says why in one sentence. */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
