package dev.jbert.trainer.metrics;

/**
 * Area under the ROC curve of a binary problem, as scikit-learn's {@code roc_auc_score}: the
 * trapezoid rule over the points (FPR, TPR) at every distinct score threshold, starting at
 * (0, 0). Tied scores form one threshold, so a tie between a positive and a negative counts
 * one half: the area equals P(score⁺ > score⁻) + ½ P(score⁺ = score⁻).
 */
public final class RocAuc {
    private RocAuc() {
    }

    /**
     * @param labels 1 for a positive instance, 0 for a negative one
     * @param scores finite; higher means more likely positive (a probability, or any score
     *               monotone in it)
     * @return the area, or NaN where it is undefined: no positive or no negative instance
     *         (scikit-learn raises "Only one class present in y_true")
     */
    public static double score(int[] labels, double[] scores) {
        Inputs.requireSameLength("labels", labels.length, "scores", scores.length);
        Inputs.requireBinary("labels", labels);
        Inputs.requireFinite("scores", scores);
        return of(ThresholdCurve.of(labels, scores));
    }

    static double of(ThresholdCurve curve) {
        long positives = curve.positives();
        long negatives = curve.negatives();
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double area = 0;
        double previousFpr = 0;
        double previousTpr = 0;
        for (int k = 0; k < curve.size(); k++) {
            double fpr = (double) curve.falsePositives[k] / negatives;
            double tpr = (double) curve.truePositives[k] / positives;
            area += (fpr - previousFpr) * (tpr + previousTpr) / 2.0;
            previousFpr = fpr;
            previousTpr = tpr;
        }
        return area;
    }
}
