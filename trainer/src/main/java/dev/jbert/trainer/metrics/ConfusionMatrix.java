package dev.jbert.trainer.metrics;

/**
 * Counts of (true class, predicted class) pairs, {@code [true][predicted]}, as scikit-learn's
 * {@code confusion_matrix(y_true, y_pred, labels=range(L))}: row {@code i} holds the instances
 * whose true class is {@code i}, column {@code j} those predicted as {@code j}.
 */
public final class ConfusionMatrix {
    private final int[][] counts; // [L, L]

    private ConfusionMatrix(int[][] counts) {
        this.counts = counts;
    }

    /**
     * Counts the pairs. Callers check the inputs: both arrays of one length, every entry in
     * {@code 0..numClasses-1}.
     */
    public static ConfusionMatrix of(int[] labels, int[] predictions, int numClasses) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException("confusion matrix: " + labels.length + " labels but "
                    + predictions.length + " predictions");
        }
        int[][] counts = new int[numClasses][numClasses];
        for (int i = 0; i < labels.length; i++) {
            counts[labels[i]][predictions[i]]++;
        }
        return new ConfusionMatrix(counts);
    }

    /** A binary matrix from its four counts: {@code [[tn, fp], [fn, tp]]}. */
    public static ConfusionMatrix binary(int tn, int fp, int fn, int tp) {
        return new ConfusionMatrix(new int[][] {{tn, fp}, {fn, tp}});
    }

    public int numClasses() {
        return counts.length;
    }

    public int count(int trueClass, int predictedClass) {
        return counts[trueClass][predictedClass];
    }

    /** Instances whose true class is {@code c}: the row sum. */
    public long support(int c) {
        long sum = 0;
        for (int n : counts[c]) {
            sum += n;
        }
        return sum;
    }

    /** Instances predicted as {@code c}: the column sum. */
    public long predicted(int c) {
        long sum = 0;
        for (int[] row : counts) {
            sum += row[c];
        }
        return sum;
    }

    /** Correct predictions: the trace. */
    public long correct() {
        long sum = 0;
        for (int c = 0; c < counts.length; c++) {
            sum += counts[c][c];
        }
        return sum;
    }

    public long total() {
        long sum = 0;
        for (int c = 0; c < counts.length; c++) {
            sum += support(c);
        }
        return sum;
    }

    /** Per-class true positives, predicted and support counts. */
    public ClassCounts classCounts() {
        int classes = counts.length;
        long[] tp = new long[classes];
        long[] pred = new long[classes];
        long[] sup = new long[classes];
        for (int c = 0; c < classes; c++) {
            tp[c] = counts[c][c];
            pred[c] = predicted(c);
            sup[c] = support(c);
        }
        return new ClassCounts(tp, pred, sup);
    }

    /** A copy of the counts, {@code [true][predicted]}. */
    public int[][] toArray() {
        int[][] copy = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            copy[c] = counts[c].clone();
        }
        return copy;
    }
}
