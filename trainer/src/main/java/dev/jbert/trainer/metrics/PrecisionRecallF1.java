package dev.jbert.trainer.metrics;

/**
 * Precision, recall and F1 of one class (or one average of them).
 *
 * @param precision tp / (tp + fp)
 * @param recall    tp / (tp + fn)
 * @param f1        2 tp / (2 tp + fp + fn), the harmonic mean of the two
 */
public record PrecisionRecallF1(double precision, double recall, double f1) {

    /**
     * From counts, as scikit-learn with {@code zero_division="warn"}: a ratio whose denominator
     * is zero is 0.0 (precision when nothing was predicted, recall when nothing is true, F1 when
     * neither).
     *
     * @param truePositives instances both true and predicted
     * @param predicted     instances predicted (tp + fp)
     * @param support       instances true (tp + fn)
     */
    public static PrecisionRecallF1 fromCounts(long truePositives, long predicted, long support) {
        double precision = predicted == 0 ? 0.0 : (double) truePositives / predicted;
        double recall = support == 0 ? 0.0 : (double) truePositives / support;
        // scikit-learn >= 1.3 computes F1 from counts, which equals 2PR/(P+R) where both are defined
        long denominator = predicted + support;
        double f1 = denominator == 0 ? 0.0 : 2.0 * truePositives / denominator;
        return new PrecisionRecallF1(precision, recall, f1);
    }
}
