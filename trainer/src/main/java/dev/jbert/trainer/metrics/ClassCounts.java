package dev.jbert.trainer.metrics;

/**
 * Per-class counts behind precision, recall and F1: scikit-learn's {@code tp_sum},
 * {@code pred_sum} and {@code true_sum}. Classes are single-label classes or, for multi-label
 * problems, labels (each a binary problem of its own).
 */
public final class ClassCounts {
    private final long[] truePositives; // [L]
    private final long[] predicted;     // [L]
    private final long[] support;       // [L]

    /** Arrays of equal length, one entry per class; copied. */
    public ClassCounts(long[] truePositives, long[] predicted, long[] support) {
        if (truePositives.length != predicted.length || predicted.length != support.length) {
            throw new IllegalArgumentException("class counts: expected arrays of equal length, found "
                    + truePositives.length + ", " + predicted.length + " and " + support.length);
        }
        this.truePositives = truePositives.clone();
        this.predicted = predicted.clone();
        this.support = support.clone();
    }

    public int numClasses() {
        return support.length;
    }

    public long truePositives(int c) {
        return truePositives[c];
    }

    public long predicted(int c) {
        return predicted[c];
    }

    /** Number of true instances of class {@code c}. */
    public long support(int c) {
        return support[c];
    }

    public long totalSupport() {
        long sum = 0;
        for (long s : support) {
            sum += s;
        }
        return sum;
    }

    /** Precision, recall and F1 of class {@code c}. */
    public PrecisionRecallF1 scores(int c) {
        return PrecisionRecallF1.fromCounts(truePositives[c], predicted[c], support[c]);
    }

    /**
     * The average over all classes, every class included (scikit-learn with
     * {@code labels=range(L)}): a class never true and never predicted adds 0 to the macro mean.
     */
    public PrecisionRecallF1 average(Average average) {
        int classes = numClasses();
        switch (average) {
            case MICRO -> {
                long tp = 0;
                long pred = 0;
                long sup = 0;
                for (int c = 0; c < classes; c++) {
                    tp += truePositives[c];
                    pred += predicted[c];
                    sup += support[c];
                }
                return PrecisionRecallF1.fromCounts(tp, pred, sup);
            }
            case MACRO -> {
                double p = 0;
                double r = 0;
                double f = 0;
                for (int c = 0; c < classes; c++) {
                    PrecisionRecallF1 s = scores(c);
                    p += s.precision();
                    r += s.recall();
                    f += s.f1();
                }
                return new PrecisionRecallF1(p / classes, r / classes, f / classes);
            }
            case WEIGHTED -> {
                long total = totalSupport();
                if (total == 0) {
                    // scikit-learn: no true instance at all -> zero_division value, 0.0 under "warn"
                    return new PrecisionRecallF1(0.0, 0.0, 0.0);
                }
                double p = 0;
                double r = 0;
                double f = 0;
                for (int c = 0; c < classes; c++) {
                    PrecisionRecallF1 s = scores(c);
                    p += s.precision() * support[c];
                    r += s.recall() * support[c];
                    f += s.f1() * support[c];
                }
                return new PrecisionRecallF1(p / total, r / total, f / total);
            }
            default -> throw new AssertionError(average);
        }
    }
}
