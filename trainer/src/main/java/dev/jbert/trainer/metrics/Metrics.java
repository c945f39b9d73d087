package dev.jbert.trainer.metrics;

import java.util.List;
import java.util.Map;

/**
 * Evaluation metrics by problem type, defined as scikit-learn (and scipy) define them. Each
 * method returns an ordered map of flat keys ({@code accuracy}, {@code f1_macro},
 * {@code roc_auc}, …) plus {@code confusion_matrix} and {@code per_class}, made of numbers,
 * strings, lists, arrays and maps that Jackson writes as JSON. Undefined values are null.
 *
 * @see SingleLabelMetrics
 * @see MultiLabelMetrics
 * @see RegressionMetrics
 */
public final class Metrics {
    private Metrics() {
    }

    /**
     * Binary or multi-class classification; see {@link SingleLabelMetrics#compute}.
     *
     * @param labels     {@code [N]} true class of each example, in {@code 0..L-1}
     * @param probs      {@code [N, L]} class probabilities (softmax of the logits)
     * @param labelNames {@code L} distinct class names, or null for "0", "1", …
     */
    public static Map<String, Object> singleLabel(int[] labels, float[][] probs, List<String> labelNames) {
        return SingleLabelMetrics.compute(labels, probs, labelNames);
    }

    /**
     * Multi-label classification; see {@link MultiLabelMetrics#compute}.
     *
     * @param labels     {@code [N, L]} true labels, each 0 or 1
     * @param scores     {@code [N, L]} per-label probabilities (sigmoid of the logits)
     * @param threshold  a label is predicted where its score is {@code >=} this
     * @param labelNames {@code L} distinct label names, or null for "0", "1", …
     */
    public static Map<String, Object> multiLabel(int[][] labels, float[][] scores, double threshold,
            List<String> labelNames) {
        return MultiLabelMetrics.compute(labels, scores, threshold, labelNames);
    }

    /** Multi-label classification with the threshold 0.5. */
    public static Map<String, Object> multiLabel(int[][] labels, float[][] scores, List<String> labelNames) {
        return MultiLabelMetrics.compute(labels, scores, MultiLabelMetrics.DEFAULT_THRESHOLD, labelNames);
    }

    /** Single-output regression; see {@link RegressionMetrics#compute}. */
    public static Map<String, Object> regression(float[] labels, float[] predictions) {
        return RegressionMetrics.compute(labels, predictions);
    }
}
