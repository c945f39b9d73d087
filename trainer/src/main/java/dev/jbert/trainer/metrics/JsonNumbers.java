package dev.jbert.trainer.metrics;

/** Numbers for JSON output: NaN and the infinities are not valid JSON, so they become null. */
final class JsonNumbers {
    private JsonNumbers() {
    }

    /** {@code value} boxed, or null where it is not finite (an undefined metric). */
    static Double orNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
