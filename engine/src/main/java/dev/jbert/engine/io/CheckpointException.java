package dev.jbert.engine.io;

/**
 * A checkpoint file (safetensors, a shard index) is unreadable, malformed or does not hold
 * what was asked of it. The message names the file, the tensor or header field, what was
 * expected and what was found, e.g.
 * {@code model.safetensors: tensor 'bert.pooler.dense.weight': data_offsets [100, 90] end before they begin}.
 */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
