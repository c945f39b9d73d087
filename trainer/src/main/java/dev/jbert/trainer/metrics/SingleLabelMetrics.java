package dev.jbert.trainer.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics of a single-label classifier (binary or multi-class), each as scikit-learn defines it.
 * The predicted class is the arg-max of the scores, the first class winning a tie (numpy's
 * {@code argmax}).
 *
 * <p>Keys, in order: {@code accuracy}; {@code precision_micro}, {@code precision_macro},
 * {@code precision_weighted}, and the same for {@code recall_} and {@code f1_} (scikit-learn's
 * {@code precision_recall_fscore_support} with {@code labels=range(L)}, so a class never true or
 * never predicted counts in the macro mean); {@code mcc}; for two classes only: {@code precision},
 * {@code recall}, {@code f1} of the positive class 1, {@code roc_auc} and {@code pr_auc} (average
 * precision) of the probability of class 1, {@code tp}, {@code tn}, {@code fp}, {@code fn};
 * then {@code confusion_matrix} ({@code [true][predicted]}) and {@code per_class} (see
 * {@link ClassificationReport#toMap()}).
 */
public final class SingleLabelMetrics {
    private SingleLabelMetrics() {
    }

    /**
     * @param labels     {@code [N]} true class of each example, in {@code 0..L-1}
     * @param probs      {@code [N, L]} class probabilities. The arg-max is the same for logits,
     *                   but ROC AUC and average precision are computed on column 1 and need the
     *                   probability (softmax) there, not a logit
     * @param labelNames {@code L} distinct class names, or null for "0", "1", …
     */
    public static Map<String, Object> compute(int[] labels, float[][] probs, List<String> labelNames) {
        Inputs.requireRows("labels", labels.length);
        Inputs.requireSameLength("labels", labels.length, "probs", probs.length);
        int classes = labelNames != null ? labelNames.size() : (probs[0] == null ? 0 : probs[0].length);
        if (classes < 2) {
            throw new IllegalArgumentException("probs: expected at least 2 classes for a single-label problem, found "
                    + classes);
        }
        List<String> names = Inputs.labelNames(labelNames, classes);
        Inputs.requireMatrix("probs", probs, classes);
        requireClasses("labels", labels, classes);

        int[] predictions = argMax(probs);
        ConfusionMatrix confusion = ConfusionMatrix.of(labels, predictions, classes);
        ClassCounts counts = confusion.classCounts();

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", (double) confusion.correct() / confusion.total());
        Map<Average, PrecisionRecallF1> averages = new LinkedHashMap<>();
        for (Average average : Average.values()) {
            averages.put(average, counts.average(average));
        }
        averages.forEach((average, s) -> metrics.put("precision_" + average.key(), s.precision()));
        averages.forEach((average, s) -> metrics.put("recall_" + average.key(), s.recall()));
        averages.forEach((average, s) -> metrics.put("f1_" + average.key(), s.f1()));
        metrics.put("mcc", MatthewsCorrelation.of(confusion));

        if (classes == 2) {
            PrecisionRecallF1 positive = counts.scores(1);
            metrics.put("precision", positive.precision());
            metrics.put("recall", positive.recall());
            metrics.put("f1", positive.f1());
            double[] positiveScores = new double[probs.length];
            for (int i = 0; i < probs.length; i++) {
                positiveScores[i] = probs[i][1];
            }
            ThresholdCurve curve = ThresholdCurve.of(labels, positiveScores);
            metrics.put("roc_auc", JsonNumbers.orNull(RocAuc.of(curve)));
            metrics.put("pr_auc", JsonNumbers.orNull(AveragePrecision.of(curve)));
            metrics.put("tp", confusion.count(1, 1));
            metrics.put("tn", confusion.count(0, 0));
            metrics.put("fp", confusion.count(0, 1));
            metrics.put("fn", confusion.count(1, 0));
        }
        metrics.put("confusion_matrix", confusion.toArray());
        metrics.put("per_class", ClassificationReport.singleLabel(confusion, names).toMap());
        return metrics;
    }

    /** The index of each row's largest score; the first index wins a tie, as numpy's argmax. */
    public static int[] argMax(float[][] scores) {
        int[] predictions = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            float[] row = scores[i];
            int best = 0;
            for (int c = 1; c < row.length; c++) {
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            predictions[i] = best;
        }
        return predictions;
    }

    static void requireClasses(String what, int[] classIds, int classes) {
        for (int i = 0; i < classIds.length; i++) {
            if (classIds[i] < 0 || classIds[i] >= classes) {
                throw new IllegalArgumentException(what + "[" + i + "] = " + classIds[i]
                        + ": expected a class index in 0.." + (classes - 1) + " (" + classes + " classes)");
            }
        }
    }
}
