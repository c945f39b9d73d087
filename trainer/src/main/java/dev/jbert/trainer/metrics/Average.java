package dev.jbert.trainer.metrics;

/**
 * How per-class precision, recall and F1 become one number, as scikit-learn's
 * {@code average=} argument of {@code precision_recall_fscore_support}.
 */
public enum Average {
    /** Counts summed over all classes (or label cells) first, then one score. */
    MICRO,
    /** Unweighted mean of the per-class scores; classes with no support count, as 0 or their score. */
    MACRO,
    /** Mean of the per-class scores weighted by each class's support (number of true instances). */
    WEIGHTED;

    /** The name used in output keys: {@code micro}, {@code macro}, {@code weighted}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
