package dev.jbert.trainer.metrics;

import java.util.Arrays;

/**
 * True and false positive counts at every distinct score threshold, highest threshold first:
 * scikit-learn's {@code _binary_clf_curve}, the curve under both ROC AUC and average precision.
 * At threshold {@code t} every instance scoring {@code >= t} is predicted positive, so instances
 * with tied scores enter the curve together, in one step.
 */
final class ThresholdCurve {
    final double[] thresholds;     // [K] distinct scores, decreasing
    final long[] truePositives;    // [K] positives scoring >= thresholds[k]
    final long[] falsePositives;   // [K] negatives scoring >= thresholds[k]

    private ThresholdCurve(double[] thresholds, long[] truePositives, long[] falsePositives) {
        this.thresholds = thresholds;
        this.truePositives = truePositives;
        this.falsePositives = falsePositives;
    }

    /**
     * @param labels 1 for a positive instance, 0 for a negative one
     * @param scores higher means more likely positive; finite (callers check)
     */
    static ThresholdCurve of(int[] labels, double[] scores) {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException("threshold curve: " + labels.length + " labels but "
                    + scores.length + " scores");
        }
        int positives = 0;
        for (int label : labels) {
            positives += label;
        }
        double[] positive = new double[positives];
        double[] negative = new double[labels.length - positives];
        int p = 0;
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 1) {
                positive[p++] = scores[i];
            } else {
                negative[n++] = scores[i];
            }
        }
        Arrays.sort(positive);
        Arrays.sort(negative);

        // walk both sorted lists from the top, one distinct score at a time
        double[] thresholds = new double[labels.length];
        long[] tps = new long[labels.length];
        long[] fps = new long[labels.length];
        int k = 0;
        int i = positive.length - 1;
        int j = negative.length - 1;
        long tp = 0;
        long fp = 0;
        while (i >= 0 || j >= 0) {
            double t = (j < 0 || (i >= 0 && positive[i] >= negative[j])) ? positive[i] : negative[j];
            while (i >= 0 && positive[i] == t) { // == groups -0.0 with 0.0, as numpy's diff does
                tp++;
                i--;
            }
            while (j >= 0 && negative[j] == t) {
                fp++;
                j--;
            }
            thresholds[k] = t;
            tps[k] = tp;
            fps[k] = fp;
            k++;
        }
        return new ThresholdCurve(Arrays.copyOf(thresholds, k), Arrays.copyOf(tps, k), Arrays.copyOf(fps, k));
    }

    int size() {
        return thresholds.length;
    }

    long positives() {
        return truePositives.length == 0 ? 0 : truePositives[truePositives.length - 1];
    }

    long negatives() {
        return falsePositives.length == 0 ? 0 : falsePositives[falsePositives.length - 1];
    }
}
