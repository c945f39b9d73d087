package dev.jbert.bench.gpu;

/**
 * Thrown by a GPU benchmark's set-up on a machine where no CUDA GPU can be used. Its message is
 * the whole story in one line ("no CUDA GPU here: no NVIDIA driver found ..."), so it carries no
 * stack trace: JMH then reports the failed benchmark with that line instead of a page of frames.
 */
public final class NoGpuException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoGpuException(String message) {
        super(message, null, false, false);
    }
}
