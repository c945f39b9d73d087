package dev.jbert.trainer.serve;

/** The model's queue holds as many requests as it may: the request is refused now (503), not queued. */
public final class QueueFullException extends RuntimeException {
    public QueueFullException(String message) {
        super(message);
    }
}
