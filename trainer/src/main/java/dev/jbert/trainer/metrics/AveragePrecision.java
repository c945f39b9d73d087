package dev.jbert.trainer.metrics;

/**
 * Area under the precision-recall curve as scikit-learn's {@code average_precision_score}
 * computes it: Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct score thresholds, highest first, with R₋₁ = 0.
 * A step function, not the trapezoid rule (which is optimistic for PR curves); tied scores form
 * one threshold.
 */
public final class AveragePrecision {
    private AveragePrecision() {
    }

    /**
     * @param labels 1 for a positive instance, 0 for a negative one
     * @param scores finite; higher means more likely positive
     * @return the average precision, or NaN where no instance is positive: recall is then 0/0.
     *         scikit-learn warns and returns 0.0 there; jbert reports it undefined (null in JSON).
     *         With no negative instance it is 1.0, as scikit-learn.
     */
    public static double score(int[] labels, double[] scores) {
        Inputs.requireSameLength("labels", labels.length, "scores", scores.length);
        Inputs.requireBinary("labels", labels);
        Inputs.requireFinite("scores", scores);
        return of(ThresholdCurve.of(labels, scores));
    }

    static double of(ThresholdCurve curve) {
        long positives = curve.positives();
        if (positives == 0) {
            return Double.NaN;
        }
        double sum = 0;
        double previousRecall = 0;
        for (int k = 0; k < curve.size(); k++) {
            long tp = curve.truePositives[k];
            double precision = (double) tp / (tp + curve.falsePositives[k]);
            double recall = (double) tp / positives;
            sum += (recall - previousRecall) * precision;
            previousRecall = recall;
        }
        return sum;
    }
}
