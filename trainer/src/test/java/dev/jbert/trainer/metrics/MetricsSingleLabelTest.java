package dev.jbert.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSingleLabelTest {
    private static final double EPS = 1e-12;

    private static double number(Map<String, Object> metrics, String key) {
        return (double) metrics.get(key);
    }

    /** One row per prediction, 1 at the predicted class: the arg-max is the prediction. */
    private static float[][] oneHot(int[] predictions, int classes) {
        float[][] probs = new float[predictions.length][classes];
        for (int i = 0; i < predictions.length; i++) {
            probs[i][predictions[i]] = 1f;
        }
        return probs;
    }

    @Test
    void binaryProblem() {
        // Positive-class probabilities from the sklearn roc_auc_score docstring: y=[0,0,1,1],
        // p1=[0.1,0.4,0.35,0.8]; arg-max predicts [0,0,0,1].
        int[] y = {0, 0, 1, 1};
        float[][] probs = {{0.9f, 0.1f}, {0.6f, 0.4f}, {0.65f, 0.35f}, {0.2f, 0.8f}};
        Map<String, Object> m = Metrics.singleLabel(y, probs, List.of("neg", "pos"));

        assertEquals(List.of("accuracy", "precision_micro", "precision_macro", "precision_weighted",
                "recall_micro", "recall_macro", "recall_weighted", "f1_micro", "f1_macro", "f1_weighted", "mcc",
                "precision", "recall", "f1", "roc_auc", "pr_auc", "tp", "tn", "fp", "fn",
                "confusion_matrix", "per_class"), List.copyOf(m.keySet()));
        // Confusion [[tn, fp], [fn, tp]] = [[2, 0], [1, 1]]: 3 of 4 correct.
        assertEquals(0.75, number(m, "accuracy"), EPS);
        assertArrayEquals(new int[][] {{2, 0}, {1, 1}}, (int[][]) m.get("confusion_matrix"));
        assertEquals(1, m.get("tp"));
        assertEquals(2, m.get("tn"));
        assertEquals(0, m.get("fp"));
        assertEquals(1, m.get("fn"));
        // Positive class: P = 1/1, R = 1/2, F = 2*1/(1+2) = 2/3.
        assertEquals(1.0, number(m, "precision"), EPS);
        assertEquals(0.5, number(m, "recall"), EPS);
        assertEquals(2.0 / 3.0, number(m, "f1"), EPS);
        // Class 0: P = 2/3, R = 1, F = 0.8. Macro = weighted (supports 2 and 2):
        // P = (2/3+1)/2 = 5/6, R = (1+1/2)/2 = 3/4, F = (0.8+2/3)/2 = 11/15. Micro = accuracy.
        assertEquals(5.0 / 6.0, number(m, "precision_macro"), EPS);
        assertEquals(0.75, number(m, "recall_macro"), EPS);
        assertEquals(11.0 / 15.0, number(m, "f1_macro"), EPS);
        assertEquals(5.0 / 6.0, number(m, "precision_weighted"), EPS);
        assertEquals(11.0 / 15.0, number(m, "f1_weighted"), EPS);
        assertEquals(0.75, number(m, "precision_micro"), EPS);
        assertEquals(0.75, number(m, "recall_micro"), EPS);
        assertEquals(0.75, number(m, "f1_micro"), EPS);
        // MCC = (tp*tn - fp*fn)/sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = (2 - 0)/sqrt(1*2*2*3) = 1/sqrt(3).
        assertEquals(1.0 / Math.sqrt(3.0), number(m, "mcc"), EPS);
        // sklearn docstring values on these probabilities: roc_auc 0.75, average precision 5/6.
        assertEquals(0.75, number(m, "roc_auc"), EPS);
        assertEquals(5.0 / 6.0, number(m, "pr_auc"), EPS);
        @SuppressWarnings("unchecked")
        Map<String, Object> perClass = (Map<String, Object>) m.get("per_class");
        assertEquals(List.of("neg", "pos", "accuracy", "macro avg", "weighted avg"), List.copyOf(perClass.keySet()));
    }

    @Test
    void positiveClassNeverPredicted() {
        // y=[0,1,1], p1=[0.1,0.2,0.3]: every arg-max is class 0. tp=0, fp=0 -> precision 0/0 -> 0.0
        // (zero_division), recall 0/2 = 0, F1 0. MCC: all predictions in one class -> 0.0.
        // ROC AUC still ranks: both positives (0.2, 0.3) above the negative (0.1) -> 1.0; AP = 1.0.
        int[] y = {0, 1, 1};
        float[][] probs = {{0.9f, 0.1f}, {0.8f, 0.2f}, {0.7f, 0.3f}};
        Map<String, Object> m = Metrics.singleLabel(y, probs, null);
        assertEquals(0.0, number(m, "precision"), EPS);
        assertEquals(0.0, number(m, "recall"), EPS);
        assertEquals(0.0, number(m, "f1"), EPS);
        assertEquals(0.0, number(m, "mcc"), EPS);
        assertEquals(1.0, number(m, "roc_auc"), EPS);
        assertEquals(1.0, number(m, "pr_auc"), EPS);
        // Class 0: P = 1/3, R = 1, F = 2/(3+1) = 0.5; class 1 all 0: macro P = 1/6, F = 1/4.
        assertEquals(1.0 / 6.0, number(m, "precision_macro"), EPS);
        assertEquals(0.25, number(m, "f1_macro"), EPS);
        // Weighted by supports (1, 2): P = (1/3)/3 = 1/9, R = 1/3, F = 0.5/3 = 1/6.
        assertEquals(1.0 / 9.0, number(m, "precision_weighted"), EPS);
        assertEquals(1.0 / 3.0, number(m, "recall_weighted"), EPS);
        assertEquals(1.0 / 6.0, number(m, "f1_weighted"), EPS);
    }

    @Test
    void oneClassOnlyLeavesTheAucsUndefined() throws Exception {
        // All labels 0: ROC AUC undefined (sklearn raises), AP undefined (no positive) -> null,
        // and the map still serialises as valid JSON with nulls.
        Map<String, Object> m = Metrics.singleLabel(new int[] {0, 0}, new float[][] {{0.7f, 0.3f}, {0.4f, 0.6f}}, null);
        assertTrue(m.containsKey("roc_auc"));
        assertNull(m.get("roc_auc"));
        assertNull(m.get("pr_auc"));
        String json = new ObjectMapper().writeValueAsString(m);
        assertFalse(json.contains("NaN"), json);
        JsonNode tree = new ObjectMapper().readTree(json);
        assertTrue(tree.get("roc_auc").isNull());
        assertEquals(0.5, tree.get("accuracy").asDouble(), EPS);
        assertEquals(1, tree.get("confusion_matrix").get(0).get(1).asInt());
        assertEquals(2, tree.get("per_class").get("0").get("support").asInt());
    }

    @Test
    void scikitLearnDocstringMultiClass() {
        // precision_recall_fscore_support docstring (cat=0, dog=1, pig=2), as one-hot probabilities:
        // macro (2/9, 1/3, 0.8/3), micro 1/3 each (2 of 6 correct), weighted = macro (equal supports).
        int[] y = {0, 1, 2, 0, 1, 2};
        float[][] probs = oneHot(new int[] {0, 2, 1, 0, 0, 1}, 3);
        Map<String, Object> m = Metrics.singleLabel(y, probs, List.of("cat", "dog", "pig"));
        assertEquals(1.0 / 3.0, number(m, "accuracy"), EPS);
        assertEquals(2.0 / 9.0, number(m, "precision_macro"), EPS);
        assertEquals(1.0 / 3.0, number(m, "recall_macro"), EPS);
        assertEquals(0.8 / 3.0, number(m, "f1_macro"), EPS);
        assertEquals(1.0 / 3.0, number(m, "f1_micro"), EPS);
        assertEquals(2.0 / 9.0, number(m, "precision_weighted"), EPS);
        assertEquals(0.8 / 3.0, number(m, "f1_weighted"), EPS);
        // C = [[2,0,0],[1,0,1],[0,2,0]]: t=[2,2,2], p=[3,2,1], trace 2, s=6.
        // MCC = (2*6 - (6+4+2)) / sqrt((36-14)(36-12)) = 0 / ... = 0.
        assertEquals(0.0, number(m, "mcc"), EPS);
        // No binary-only keys for three classes.
        assertFalse(m.containsKey("roc_auc"));
        assertFalse(m.containsKey("tp"));
    }

    @Test
    void classNeverTrueNorPredictedCountsInMacro() {
        // Three classes, class 2 never true and never predicted. y=[0,1,0,1], predicted [0,0,0,1].
        // Class 0: P=2/3 R=1 F=0.8. Class 1: P=1 R=1/2 F=2/3. Class 2: 0,0,0 (zero_division).
        // Macro over all three: P=(5/3)/3=5/9, R=(3/2)/3=1/2, F=(22/15)/3=22/45.
        // Weighted (supports 2,2,0): P=(4/3+2)/4=5/6, R=3/4, F=(1.6+4/3)/4=11/15.
        // MCC: C=[[2,0,0],[1,1,0],[0,0,0]], t=[2,2,0], p=[3,1,0], trace 3, s=4:
        // (12 - 8)/sqrt((16-10)(16-8)) = 4/sqrt(48).
        int[] y = {0, 1, 0, 1};
        float[][] probs = oneHot(new int[] {0, 0, 0, 1}, 3);
        Map<String, Object> m = Metrics.singleLabel(y, probs, List.of("a", "b", "c"));
        assertEquals(5.0 / 9.0, number(m, "precision_macro"), EPS);
        assertEquals(0.5, number(m, "recall_macro"), EPS);
        assertEquals(22.0 / 45.0, number(m, "f1_macro"), EPS);
        assertEquals(5.0 / 6.0, number(m, "precision_weighted"), EPS);
        assertEquals(0.75, number(m, "recall_weighted"), EPS);
        assertEquals(11.0 / 15.0, number(m, "f1_weighted"), EPS);
        assertEquals(4.0 / Math.sqrt(48.0), number(m, "mcc"), EPS);
        assertArrayEquals(new int[][] {{2, 0, 0}, {1, 1, 0}, {0, 0, 0}}, (int[][]) m.get("confusion_matrix"));
    }

    @Test
    void argMaxTakesTheFirstOfTiedScores() {
        // numpy argmax returns the first maximal index.
        assertArrayEquals(new int[] {0, 1, 2}, SingleLabelMetrics.argMax(
                new float[][] {{0.5f, 0.5f, 0f}, {0.1f, 0.45f, 0.45f}, {0.2f, 0.3f, 0.5f}}));
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> Metrics.singleLabel(new int[] {0, 2}, new float[][] {{1f, 0f}, {0f, 1f}}, null));
        assertEquals("labels[1] = 2: expected a class index in 0..1 (2 classes)", label.getMessage());
        IllegalArgumentException columns = assertThrows(IllegalArgumentException.class,
                () -> Metrics.singleLabel(new int[] {0, 1}, new float[][] {{1f, 0f}, {0f, 1f, 0f}}, null));
        assertEquals("probs[1] has 3 columns: expected 2, one per label", columns.getMessage());
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> Metrics.singleLabel(new int[] {0, 1}, new float[][] {{1f, 0f}}, null));
        assertEquals("probs has 1 rows but labels has 2: expected one row per example", rows.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Metrics.singleLabel(new int[] {0}, new float[][] {{Float.NaN, 0f}}, null));
        assertEquals("probs[0][0] = NaN: expected a finite number", nan.getMessage());
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> Metrics.singleLabel(new int[] {0}, new float[][] {{1f, 0f}}, List.of("a", "b", "c")));
        assertEquals("probs[0] has 2 columns: expected 3, one per label", names.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.singleLabel(new int[0], new float[0][], null));
    }
}
