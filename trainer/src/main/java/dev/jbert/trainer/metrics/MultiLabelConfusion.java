package dev.jbert.trainer.metrics;

/**
 * The counts of a multi-label problem, from 0/1 matrices of true and predicted labels
 * {@code [N, L]}: one binary confusion matrix per label (scikit-learn's
 * {@code multilabel_confusion_matrix}), and the per-example counts behind subset accuracy,
 * Hamming loss and sample-averaged scores.
 */
public final class MultiLabelConfusion {
    private final int labels;
    private final int examples;
    private final long[] tn; // [L]
    private final long[] fp; // [L]
    private final long[] fn; // [L]
    private final long[] tp; // [L]
    private final PrecisionRecallF1 samplesAverage;
    private final long exactMatches;

    private MultiLabelConfusion(int[][] truth, int[][] predicted, int labels) {
        this.labels = labels;
        this.examples = truth.length;
        tn = new long[labels];
        fp = new long[labels];
        fn = new long[labels];
        tp = new long[labels];
        long matches = 0;
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        for (int i = 0; i < examples; i++) {
            long rowTp = 0;
            long rowPredicted = 0;
            long rowTrue = 0;
            for (int j = 0; j < labels; j++) {
                int t = truth[i][j];
                int p = predicted[i][j];
                if (t == 1 && p == 1) {
                    tp[j]++;
                } else if (t == 1) {
                    fn[j]++;
                } else if (p == 1) {
                    fp[j]++;
                } else {
                    tn[j]++;
                }
                rowTp += t & p;
                rowPredicted += p;
                rowTrue += t;
            }
            if (rowTp == rowPredicted && rowTp == rowTrue) {
                matches++;
            }
            // scikit-learn average="samples": each example's own scores, zero_division -> 0.0
            PrecisionRecallF1 row = PrecisionRecallF1.fromCounts(rowTp, rowPredicted, rowTrue);
            precisionSum += row.precision();
            recallSum += row.recall();
            f1Sum += row.f1();
        }
        this.exactMatches = matches;
        this.samplesAverage = new PrecisionRecallF1(precisionSum / examples, recallSum / examples, f1Sum / examples);
    }

    /**
     * @param truth     {@code [N, L]} true labels, each 0 or 1
     * @param predicted {@code [N, L]} predicted labels, each 0 or 1
     */
    public static MultiLabelConfusion of(int[][] truth, int[][] predicted) {
        Inputs.requireRows("labels", truth.length);
        Inputs.requireSameLength("labels", truth.length, "predictions", predicted.length);
        int labels = truth[0] == null ? 0 : truth[0].length;
        if (labels == 0) {
            throw new IllegalArgumentException("labels[0]: expected at least one label column, found none");
        }
        Inputs.requireIndicatorMatrix("labels", truth, labels);
        Inputs.requireIndicatorMatrix("predictions", predicted, labels);
        return new MultiLabelConfusion(truth, predicted, labels);
    }

    public int numLabels() {
        return labels;
    }

    public int numExamples() {
        return examples;
    }

    /** Label {@code j}'s binary confusion matrix, {@code [[tn, fp], [fn, tp]]}. */
    public ConfusionMatrix label(int j) {
        return ConfusionMatrix.binary((int) tn[j], (int) fp[j], (int) fn[j], (int) tp[j]);
    }

    /** All labels' matrices, {@code [L][2][2]}, each {@code [[tn, fp], [fn, tp]]}, as scikit-learn. */
    public int[][][] toArray() {
        int[][][] matrices = new int[labels][][];
        for (int j = 0; j < labels; j++) {
            matrices[j] = label(j).toArray();
        }
        return matrices;
    }

    /** The binary matrix of all N·L label cells together (the sum of the per-label matrices). */
    public ConfusionMatrix flattened() {
        long sumTn = 0;
        long sumFp = 0;
        long sumFn = 0;
        long sumTp = 0;
        for (int j = 0; j < labels; j++) {
            sumTn += tn[j];
            sumFp += fp[j];
            sumFn += fn[j];
            sumTp += tp[j];
        }
        return ConfusionMatrix.binary(Math.toIntExact(sumTn), Math.toIntExact(sumFp),
                Math.toIntExact(sumFn), Math.toIntExact(sumTp));
    }

    /** Per-label true positives, predicted positives and support (true positives + false negatives). */
    public ClassCounts classCounts() {
        long[] predictedCounts = new long[labels];
        long[] support = new long[labels];
        for (int j = 0; j < labels; j++) {
            predictedCounts[j] = tp[j] + fp[j];
            support[j] = tp[j] + fn[j];
        }
        return new ClassCounts(tp, predictedCounts, support);
    }

    /** Fraction of examples whose whole label set is predicted exactly (scikit-learn's accuracy_score). */
    public double subsetAccuracy() {
        return (double) exactMatches / examples;
    }

    /** Fraction of label cells predicted wrongly (scikit-learn's hamming_loss). */
    public double hammingLoss() {
        long wrong = 0;
        for (int j = 0; j < labels; j++) {
            wrong += fp[j] + fn[j];
        }
        return (double) wrong / ((long) examples * labels);
    }

    /**
     * Precision, recall and F1 computed per example over its labels, then averaged over examples
     * (scikit-learn's {@code average="samples"}); an example with neither true nor predicted
     * labels scores 0.0 on all three (zero_division).
     */
    public PrecisionRecallF1 samplesAverage() {
        return samplesAverage;
    }
}
