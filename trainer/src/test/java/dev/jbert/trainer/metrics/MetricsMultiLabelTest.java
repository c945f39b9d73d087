package dev.jbert.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsMultiLabelTest {
    private static final double EPS = 1e-12;

    // Three labels; label c is never true (an all-0 column), so it is skipped from macro AUCs.
    private static final int[][] Y = {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {0, 0, 0}};
    private static final float[][] S = {
        {0.9f, 0.45f, 0.1f},
        {0.4f, 0.7f, 0.6f},
        {0.6f, 0.4f, 0.2f},
        {0.3f, 0.1f, 0.3f},
    };
    // At threshold 0.5 the predictions are P = [[1,0,0],[0,1,1],[1,0,0],[0,0,0]].

    private static double number(Map<String, Object> metrics, String key) {
        return (double) metrics.get(key);
    }

    @Test
    @SuppressWarnings("unchecked")
    void handComputedExample() {
        Map<String, Object> m = Metrics.multiLabel(Y, S, List.of("a", "b", "c"));
        assertEquals(List.of("accuracy", "subset_accuracy", "hamming_loss",
                "precision_micro", "precision_macro", "precision_weighted",
                "recall_micro", "recall_macro", "recall_weighted", "f1_micro", "f1_macro", "f1_weighted", "mcc",
                "roc_auc_micro", "roc_auc_macro", "pr_auc_micro", "pr_auc_macro",
                "roc_auc_per_label", "pr_auc_per_label", "skipped", "confusion_matrix", "per_class"),
                List.copyOf(m.keySet()));
        // Rows 0 and 3 match exactly, rows 1 and 2 do not -> subset accuracy 2/4.
        assertEquals(0.5, number(m, "accuracy"), EPS);
        assertEquals(0.5, number(m, "subset_accuracy"), EPS);
        // Wrong cells: (1,c) and (2,b) -> 2 of 12.
        assertEquals(2.0 / 12.0, number(m, "hamming_loss"), EPS);
        // Per label (tp, fp, fn): a (2,0,0) -> 1,1,1; b (1,0,1) -> 1, 1/2, 2/3; c (0,1,0) -> 0,0,0.
        // Micro: tp=3, fp=1, fn=1 -> 3/4 each. Macro: (2/3, 1/2, 5/9). Weighted by support (2,2,0):
        // (1, 3/4, 5/6).
        assertEquals(0.75, number(m, "precision_micro"), EPS);
        assertEquals(0.75, number(m, "recall_micro"), EPS);
        assertEquals(0.75, number(m, "f1_micro"), EPS);
        assertEquals(2.0 / 3.0, number(m, "precision_macro"), EPS);
        assertEquals(0.5, number(m, "recall_macro"), EPS);
        assertEquals(5.0 / 9.0, number(m, "f1_macro"), EPS);
        assertEquals(1.0, number(m, "precision_weighted"), EPS);
        assertEquals(0.75, number(m, "recall_weighted"), EPS);
        assertEquals(5.0 / 6.0, number(m, "f1_weighted"), EPS);
        // MCC over the 12 cells: tp=3, tn=7, fp=1, fn=1 -> (21 - 1)/sqrt(4*4*8*8) = 20/32.
        assertEquals(0.625, number(m, "mcc"), EPS);

        // Per label ROC AUC by pairs. a: positives 0.9, 0.6 above negatives 0.4, 0.3 -> 1.
        // b: positives 0.7, 0.4 vs negatives 0.45, 0.1: 0.7 beats both, 0.4 beats 0.1 only -> 3/4.
        // c: no positive -> undefined.
        Map<String, Double> roc = (Map<String, Double>) m.get("roc_auc_per_label");
        assertEquals(1.0, roc.get("a"), EPS);
        assertEquals(0.75, roc.get("b"), EPS);
        assertTrue(roc.containsKey("c"));
        assertNull(roc.get("c"));
        // AP. a: 0.9 (P1,R1/2), 0.6 (P1,R1) -> 1. b: 0.7 (1, 1/2), 0.45 (1/2, 1/2), 0.4 (2/3, 1) -> 1/2 + 1/3 = 5/6.
        Map<String, Double> pr = (Map<String, Double>) m.get("pr_auc_per_label");
        assertEquals(1.0, pr.get("a"), EPS);
        assertEquals(5.0 / 6.0, pr.get("b"), EPS);
        assertNull(pr.get("c"));
        assertEquals(List.of("c"), m.get("skipped"));
        // Macro over a and b only: (1 + 3/4)/2 and (1 + 5/6)/2.
        assertEquals(0.875, number(m, "roc_auc_macro"), EPS);
        assertEquals(11.0 / 12.0, number(m, "pr_auc_macro"), EPS);
        // Micro over the 12 cells: positives 0.9, 0.7, 0.6, 0.4; negatives 0.45, 0.1, 0.4, 0.6, 0.2, 0.3, 0.1, 0.3.
        // Negatives below each positive (+ half a tie): 0.9 -> 8, 0.7 -> 8, 0.6 -> 7 + 0.5, 0.4 -> 5 + 0.5
        // -> 29 / (4*8) = 0.90625.
        assertEquals(29.0 / 32.0, number(m, "roc_auc_micro"), EPS);
        // Micro AP, thresholds (tp, fp): 0.9 (1,0), 0.7 (2,0), 0.6 (3,1), 0.45 (3,2), 0.4 (4,3), lower: R stays 1.
        // Σ ΔR·P = 1/4*1 + 1/4*1 + 1/4*3/4 + 0 + 1/4*4/7 = 93/112.
        assertEquals(93.0 / 112.0, number(m, "pr_auc_micro"), EPS);

        // multilabel_confusion_matrix: [[tn, fp], [fn, tp]] per label.
        assertArrayEquals(new int[][][] {{{2, 0}, {0, 2}}, {{2, 0}, {1, 1}}, {{3, 1}, {0, 0}}},
                (int[][][]) m.get("confusion_matrix"));
        Map<String, Object> perClass = (Map<String, Object>) m.get("per_class");
        assertEquals(List.of("a", "b", "c", "micro avg", "macro avg", "weighted avg", "samples avg"),
                List.copyOf(perClass.keySet()));
    }

    @Test
    void serialisesAsJsonWithNulls() throws Exception {
        String json = new ObjectMapper().writeValueAsString(Metrics.multiLabel(Y, S, List.of("a", "b", "c")));
        assertFalse(json.contains("NaN"), json);
        JsonNode tree = new ObjectMapper().readTree(json);
        assertTrue(tree.get("roc_auc_per_label").get("c").isNull());
        assertEquals("c", tree.get("skipped").get(0).asText());
        assertEquals(3, tree.get("confusion_matrix").get(2).get(0).get(0).asInt());
        assertEquals(0.625, tree.get("per_class").get("samples avg").get("precision").asDouble(), EPS);
    }

    @Test
    void scikitLearnMultilabelConfusionMatrixDocstring() {
        // sklearn multilabel_confusion_matrix docstring: y_true=[[1,0,1],[0,1,0]], y_pred=[[1,0,0],[0,1,1]]
        // -> [[[1,0],[0,1]], [[1,0],[0,1]], [[0,1],[1,0]]].
        MultiLabelConfusion c = MultiLabelConfusion.of(new int[][] {{1, 0, 1}, {0, 1, 0}}, new int[][] {{1, 0, 0}, {0, 1, 1}});
        assertArrayEquals(new int[][][] {{{1, 0}, {0, 1}}, {{1, 0}, {0, 1}}, {{0, 1}, {1, 0}}}, c.toArray());
    }

    @Test
    void scikitLearnHammingLossDocstring() {
        // sklearn hamming_loss docstring: hamming_loss([[0,1],[1,1]], zeros((2,2))) = 0.75 (3 of 4 cells wrong).
        Map<String, Object> m = Metrics.multiLabel(new int[][] {{0, 1}, {1, 1}}, new float[][] {{0f, 0f}, {0f, 0f}}, null);
        assertEquals(0.75, number(m, "hamming_loss"), EPS);
        // No row matches exactly; nothing predicted: precision 0 by zero_division.
        assertEquals(0.0, number(m, "subset_accuracy"), EPS);
        assertEquals(0.0, number(m, "precision_micro"), EPS);
    }

    @Test
    void scikitLearnAveragePrecisionMultiClassDocstring() {
        // sklearn (>= 1.5) average_precision_score docstring, multi-class one-vs-rest, macro -> 0.77...
        // y_true = [0,0,1,1,2,2] one-hot; per label, thresholds highest first:
        //   0: 0.7 (pos) P1 R1/2; 0.4 (pos+neg) P2/3 R1 -> 1/2 + 1/3 = 5/6
        //   1: 0.8 (pos) P1 R1/2; 0.4 (neg); 0.3 (pos+neg) P2/4 R1 -> 1/2 + 1/4 = 3/4
        //   2: 0.7 (pos) P1 R1/2; 0.5, 0.3 (neg); 0.2 (pos) P2/4 R1 -> 1/2 + 1/4 = 3/4
        // macro = (5/6 + 3/4 + 3/4)/3 = 7/9 = 0.777...
        int[][] y = {{1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}};
        float[][] s = {
            {0.7f, 0.2f, 0.1f}, {0.4f, 0.3f, 0.3f}, {0.1f, 0.8f, 0.1f},
            {0.2f, 0.3f, 0.5f}, {0.4f, 0.4f, 0.2f}, {0.1f, 0.2f, 0.7f},
        };
        Map<String, Object> m = Metrics.multiLabel(y, s, null);
        assertEquals(7.0 / 9.0, number(m, "pr_auc_macro"), EPS);
        assertEquals(List.of(), m.get("skipped"));
        // ROC AUC per label by pairs (2 positives x 4 negatives each):
        //   0: 0.7 beats all 4; 0.4 beats 0.1, 0.2, 0.1 and ties 0.4 -> 4 + 3.5 = 7.5/8
        //   1: 0.8 beats all 4; 0.3 beats 0.2, 0.2, ties 0.3 -> 4 + 2.5 = 6.5/8
        //   2: 0.7 beats all 4; 0.2 beats 0.1, 0.1 -> 4 + 2 = 6/8
        // macro = (7.5 + 6.5 + 6)/24 = 20/24.
        assertEquals(20.0 / 24.0, number(m, "roc_auc_macro"), EPS);
    }

    @Test
    void everyLabelSkippedLeavesMacroUndefined() {
        // Every column holds one class only: all per-label ROC AUCs undefined; macro averages null.
        // Micro: cells hold both classes (column 0 all 1, column 1 all 0): positives 0.8, 0.6 above
        // negatives 0.3, 0.1 -> ROC AUC 1, AP 1.
        Map<String, Object> m = Metrics.multiLabel(new int[][] {{1, 0}, {1, 0}},
                new float[][] {{0.8f, 0.3f}, {0.6f, 0.1f}}, List.of("x", "y"));
        assertNull(m.get("roc_auc_macro"));
        assertNull(m.get("pr_auc_macro"));
        assertEquals(List.of("x", "y"), m.get("skipped"));
        assertEquals(1.0, number(m, "roc_auc_micro"), EPS);
        assertEquals(1.0, number(m, "pr_auc_micro"), EPS);
        // x has no negative: ROC AUC undefined, AP defined (= 1). y has no positive: both undefined.
        @SuppressWarnings("unchecked")
        Map<String, Double> pr = (Map<String, Double>) m.get("pr_auc_per_label");
        assertEquals(1.0, pr.get("x"), EPS);
        assertNull(pr.get("y"));
    }

    @Test
    void thresholdIsInclusive() {
        // score >= threshold: 0.5 is predicted at 0.5, 0.49 is not; with threshold 0.3 both are.
        assertArrayEquals(new int[] {1, 0}, MultiLabelMetrics.threshold(new float[][] {{0.5f, 0.49f}}, 0.5)[0]);
        assertEquals("[1, 1]", Arrays.toString(MultiLabelMetrics.threshold(new float[][] {{0.5f, 0.49f}}, 0.3)[0]));
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> Metrics.multiLabel(new int[][] {{0, 2}}, new float[][] {{0f, 1f}}, null));
        assertEquals("labels[0][1] = 2: expected 0 or 1", label.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> Metrics.multiLabel(new int[][] {{0, 1, 0}}, new float[][] {{0f, 1f}}, null));
        assertEquals("labels[0] has 3 columns: expected 2, one per label", width.getMessage());
    }
}
