package dev.jbert.trainer.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics of a multi-label classifier, each as scikit-learn defines it for multi-label
 * indicator matrices. Label {@code j} is predicted for an example when its score is
 * {@code >= threshold}.
 *
 * <p>Keys, in order: {@code accuracy} and {@code subset_accuracy} (the same number: the fraction
 * of examples whose label set is predicted exactly), {@code hamming_loss};
 * {@code precision_micro}, {@code precision_macro}, {@code precision_weighted}, and the same for
 * {@code recall_} and {@code f1_} (each label a binary problem; micro sums the counts of all
 * label cells, weighted weighs labels by support); {@code mcc}; {@code roc_auc_micro},
 * {@code roc_auc_macro}, {@code pr_auc_micro}, {@code pr_auc_macro}; {@code roc_auc_per_label}
 * and {@code pr_auc_per_label} (label name → value); {@code skipped}; {@code confusion_matrix};
 * {@code per_class}.
 *
 * <p>Choices where scikit-learn has no answer or raises:
 * <ul>
 * <li>{@code mcc} is scikit-learn's {@code matthews_corrcoef(Y.ravel(), P.ravel())}: the binary
 *     MCC of all N·L label cells together (scikit-learn's own function rejects multi-label input).
 * <li>The macro averages of ROC AUC and PR AUC average only the labels whose true column holds
 *     both 0s and 1s; the others are listed by name under {@code skipped}. (scikit-learn raises
 *     for ROC AUC there, and averages 0.0 or 1.0 into the PR AUC.) Per label, a value is reported
 *     where it is defined, null where not: ROC AUC needs both classes, PR AUC a positive.
 *     The macro averages are null when every label is skipped; the micro averages (over all
 *     cells, {@code average="micro"}) are null when the cells hold one class only.
 * <li>{@code confusion_matrix} is scikit-learn's {@code multilabel_confusion_matrix}:
 *     {@code [L][2][2]}, each {@code [[tn, fp], [fn, tp]]}, in label order.
 * </ul>
 */
public final class MultiLabelMetrics {
    /** The usual decision threshold for sigmoid probabilities. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    private MultiLabelMetrics() {
    }

    /**
     * @param labels     {@code [N, L]} true labels, each 0 or 1
     * @param scores     {@code [N, L]} per-label probabilities (sigmoid of the logits); with
     *                   threshold 0 raw logits give the same predictions and the same AUCs
     * @param threshold  a label is predicted where its score is {@code >=} this
     * @param labelNames {@code L} distinct label names, or null for "0", "1", …
     */
    public static Map<String, Object> compute(int[][] labels, float[][] scores, double threshold,
            List<String> labelNames) {
        Inputs.requireRows("labels", labels.length);
        Inputs.requireSameLength("labels", labels.length, "scores", scores.length);
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold: expected a number, found NaN");
        }
        int labelCount = labelNames != null ? labelNames.size() : (scores[0] == null ? 0 : scores[0].length);
        if (labelCount == 0) {
            throw new IllegalArgumentException("scores: expected at least one label column, found none");
        }
        List<String> names = Inputs.labelNames(labelNames, labelCount);
        Inputs.requireMatrix("scores", scores, labelCount);
        Inputs.requireIndicatorMatrix("labels", labels, labelCount);

        int[][] predictions = threshold(scores, threshold);
        MultiLabelConfusion confusion = MultiLabelConfusion.of(labels, predictions);
        ClassCounts counts = confusion.classCounts();

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", confusion.subsetAccuracy());
        metrics.put("subset_accuracy", confusion.subsetAccuracy());
        metrics.put("hamming_loss", confusion.hammingLoss());
        Map<Average, PrecisionRecallF1> averages = new LinkedHashMap<>();
        for (Average average : Average.values()) {
            averages.put(average, counts.average(average));
        }
        averages.forEach((average, s) -> metrics.put("precision_" + average.key(), s.precision()));
        averages.forEach((average, s) -> metrics.put("recall_" + average.key(), s.recall()));
        averages.forEach((average, s) -> metrics.put("f1_" + average.key(), s.f1()));
        metrics.put("mcc", MatthewsCorrelation.of(confusion.flattened()));

        // ranking metrics: micro over all cells (row-major, as numpy's ravel), macro over labels
        int examples = labels.length;
        int[] allLabels = new int[examples * labelCount];
        double[] allScores = new double[examples * labelCount];
        for (int i = 0; i < examples; i++) {
            for (int j = 0; j < labelCount; j++) {
                allLabels[i * labelCount + j] = labels[i][j];
                allScores[i * labelCount + j] = scores[i][j];
            }
        }
        ThresholdCurve micro = ThresholdCurve.of(allLabels, allScores);

        Map<String, Double> rocPerLabel = new LinkedHashMap<>();
        Map<String, Double> prPerLabel = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        double rocSum = 0;
        double prSum = 0;
        int averaged = 0;
        int[] column = new int[examples];
        double[] columnScores = new double[examples];
        for (int j = 0; j < labelCount; j++) {
            for (int i = 0; i < examples; i++) {
                column[i] = labels[i][j];
                columnScores[i] = scores[i][j];
            }
            ThresholdCurve curve = ThresholdCurve.of(column, columnScores);
            double roc = RocAuc.of(curve);
            double pr = AveragePrecision.of(curve);
            rocPerLabel.put(names.get(j), JsonNumbers.orNull(roc));
            prPerLabel.put(names.get(j), JsonNumbers.orNull(pr));
            if (curve.positives() == 0 || curve.negatives() == 0) {
                skipped.add(names.get(j));
            } else {
                rocSum += roc;
                prSum += pr;
                averaged++;
            }
        }
        metrics.put("roc_auc_micro", JsonNumbers.orNull(RocAuc.of(micro)));
        metrics.put("roc_auc_macro", averaged == 0 ? null : rocSum / averaged);
        metrics.put("pr_auc_micro", JsonNumbers.orNull(AveragePrecision.of(micro)));
        metrics.put("pr_auc_macro", averaged == 0 ? null : prSum / averaged);
        metrics.put("roc_auc_per_label", rocPerLabel);
        metrics.put("pr_auc_per_label", prPerLabel);
        metrics.put("skipped", skipped);
        metrics.put("confusion_matrix", confusion.toArray());
        metrics.put("per_class", ClassificationReport.multiLabel(confusion, names).toMap());
        return metrics;
    }

    /** 1 where {@code score >= threshold}, else 0. */
    public static int[][] threshold(float[][] scores, double threshold) {
        int[][] predictions = new int[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            predictions[i] = new int[scores[i].length];
            for (int j = 0; j < scores[i].length; j++) {
                predictions[i][j] = scores[i][j] >= threshold ? 1 : 0;
            }
        }
        return predictions;
    }
}
