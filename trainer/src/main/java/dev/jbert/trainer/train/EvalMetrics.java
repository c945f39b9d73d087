package dev.jbert.trainer.train;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.train.Labels;
import dev.jbert.trainer.metrics.ClassificationReport;
import dev.jbert.trainer.metrics.Metrics;
import dev.jbert.trainer.metrics.MultiLabelMetrics;
import dev.jbert.trainer.metrics.SingleLabelMetrics;
import dev.jbert.trainer.predict.ScoreFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of an evaluation by problem type, from the model's logits: softmax probabilities for
 * single-label classification, sigmoid probabilities with a threshold for multi-label, the raw
 * output for regression; computed by {@link Metrics} (scikit-learn's definitions). Also the
 * per-class report for the console.
 */
public final class EvalMetrics {
    private EvalMetrics() {
    }

    /** Metrics from logits {@code [N, L]}. */
    public static Map<String, Object> fromLogits(ProblemType type, Labels labels, float[][] logits, double threshold,
                                                 List<String> names) {
        return switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> fromScores(type, labels, ScoreFunction.SOFTMAX.apply(logits), threshold, names);
            case MULTI_LABEL_CLASSIFICATION -> fromScores(type, labels, ScoreFunction.SIGMOID.apply(logits), threshold, names);
            case REGRESSION -> fromScores(type, labels, logits, threshold, names);
        };
    }

    /**
     * Metrics from scores {@code [N, L]}: probabilities per class (single-label), per label
     * (multi-label), or the prediction in column 0 (regression).
     */
    public static Map<String, Object> fromScores(ProblemType type, Labels labels, float[][] scores, double threshold,
                                                 List<String> names) {
        try {
            return switch (type) {
                case SINGLE_LABEL_CLASSIFICATION -> Metrics.singleLabel(((Labels.Classes) labels).values(), scores, names);
                case MULTI_LABEL_CLASSIFICATION -> Metrics.multiLabel(multiHot(labels), scores, threshold, names);
                case REGRESSION -> Metrics.regression(((Labels.Targets) labels).values(), column0(scores));
            };
        } catch (IllegalArgumentException e) {
            throw new UserException("cannot compute the metrics: " + e.getMessage(), e);
        }
    }

    /** The per-class report (scikit-learn's {@code classification_report}), or null for regression. */
    public static ClassificationReport report(ProblemType type, Labels labels, float[][] scores, double threshold,
                                              List<String> names) {
        return switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> ClassificationReport.singleLabel(((Labels.Classes) labels).values(),
                    SingleLabelMetrics.argMax(scores), names);
            case MULTI_LABEL_CLASSIFICATION -> ClassificationReport.multiLabel(multiHot(labels),
                    MultiLabelMetrics.threshold(scores, threshold), names);
            case REGRESSION -> null;
        };
    }

    /** The numeric entries of a metrics map (what goes into logs), prefixed; counts stay integers. */
    public static Map<String, Number> scalars(Map<String, Object> metrics, String prefix) {
        Map<String, Number> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            if (e.getValue() instanceof Number n) {
                out.put(prefix + e.getKey(), n instanceof Integer || n instanceof Long ? n.longValue() : n.doubleValue());
            }
        }
        return out;
    }

    /**
     * The names an evaluation of this problem type reports as numbers (without {@code eval_}):
     * {@code loss} and every numeric metric, found by scoring a small made-up example.
     */
    public static java.util.Set<String> metricNames(ProblemType type, List<String> names) {
        int l = names.size();
        Labels labels;
        float[][] scores;
        switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> {
                int[] classes = new int[l];
                scores = new float[l][l];
                for (int i = 0; i < l; i++) {
                    classes[i] = i;
                    scores[i][i] = 1f;
                }
                labels = new Labels.Classes(classes);
            }
            case MULTI_LABEL_CLASSIFICATION -> {
                float[][] rows = {new float[l], new float[l]};
                java.util.Arrays.fill(rows[1], 1f);
                scores = new float[][] {new float[l], new float[l]};
                java.util.Arrays.fill(scores[1], 1f);
                labels = new Labels.MultiHot(rows);
            }
            default -> {
                labels = new Labels.Targets(new float[] {0f, 1f});
                scores = new float[][] {{0f}, {1f}};
            }
        }
        java.util.Set<String> out = new java.util.TreeSet<>();
        out.add("loss");
        fromScores(type, labels, scores, 0.5, names).forEach((k, v) -> {
            if (v == null || v instanceof Number) {
                out.add(k);
            }
        });
        return out;
    }

    /** Multi-hot rows as 0/1 integers (a value above 0.5 is a 1). */
    static int[][] multiHot(Labels labels) {
        float[][] rows = ((Labels.MultiHot) labels).rows();
        int[][] out = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new int[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j] > 0.5f ? 1 : 0;
            }
        }
        return out;
    }

    private static float[] column0(float[][] scores) {
        float[] out = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = scores[i][0];
        }
        return out;
    }
}
