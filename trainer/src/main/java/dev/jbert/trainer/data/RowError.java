package dev.jbert.trainer.data;

/**
 * Raised while a row is read or labelled to say why it is bad; the reader adds the file and line
 * and hands it to {@link BadRows}. Never leaves this package.
 */
final class RowError extends RuntimeException {
    RowError(String reason) {
        super(reason, null, false, false);
    }

    String reason() {
        return getMessage();
    }
}
