package dev.jbert.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsClassificationReportTest {
    private static final double EPS = 1e-12;

    // sklearn classification_report docstring: y_true=[0,1,2,2,2], y_pred=[0,0,2,2,1].
    private static final int[] TRUE = {0, 1, 2, 2, 2};
    private static final int[] PRED = {0, 0, 2, 2, 1};
    private static final List<String> NAMES = List.of("class 0", "class 1", "class 2");

    @Test
    void scikitLearnDocstringTable() {
        // The docstring's printed report, character for character (it ends with a newline).
        String expected = """
                              precision    recall  f1-score   support

                     class 0       0.50      1.00      0.67         1
                     class 1       0.00      0.00      0.00         1
                     class 2       1.00      0.67      0.80         3

                    accuracy                           0.60         5
                   macro avg       0.50      0.56      0.49         5
                weighted avg       0.70      0.60      0.61         5
                """;
        assertEquals(expected, ClassificationReport.singleLabel(TRUE, PRED, NAMES).format());
    }

    @Test
    void fourDigitsAndDefaultNames() {
        // sklearn classification_report(y_true, y_pred, digits=4), names default to the labels.
        // Values by hand: class 0 P=1/2 R=1 F=2/3; class 1 all 0; class 2 P=2/2 R=2/3 F=4/5;
        // macro (1.5/3, (5/3)/3, (22/15)/3) = (0.5, 0.5556, 0.4889);
        // weighted (supports 1,1,3) = ((0.5+3)/5, (1+2)/5, (2/3+12/5)/5) = (0.7, 0.6, 0.6133).
        String expected = """
                              precision    recall  f1-score   support

                           0     0.5000    1.0000    0.6667         1
                           1     0.0000    0.0000    0.0000         1
                           2     1.0000    0.6667    0.8000         3

                    accuracy                         0.6000         5
                   macro avg     0.5000    0.5556    0.4889         5
                weighted avg     0.7000    0.6000    0.6133         5
                """;
        assertEquals(expected, ClassificationReport.singleLabel(TRUE, PRED, null).format(4));
    }

    @Test
    @SuppressWarnings("unchecked")
    void scikitLearnDocstringAsData() {
        // Same report, output_dict=True: per class (0.5,1,2/3,1), (0,0,0,1), (1,2/3,0.8,3);
        // accuracy 3/5; macro (0.5, 5/9, 22/45); weighted (0.7, 0.6, 0.61333 = 46/75).
        Map<String, Object> map = ClassificationReport.singleLabel(TRUE, PRED, NAMES).toMap();
        assertEquals(List.of("class 0", "class 1", "class 2", "accuracy", "macro avg", "weighted avg"),
                List.copyOf(map.keySet()));
        Map<String, Object> class2 = (Map<String, Object>) map.get("class 2");
        assertEquals(List.of("precision", "recall", "f1-score", "support"), List.copyOf(class2.keySet()));
        assertEquals(1.0, (double) class2.get("precision"), EPS);
        assertEquals(2.0 / 3.0, (double) class2.get("recall"), EPS);
        assertEquals(0.8, (double) class2.get("f1-score"), EPS);
        assertEquals(3L, class2.get("support"));
        assertEquals(0.6, (double) map.get("accuracy"), EPS);
        Map<String, Object> macro = (Map<String, Object>) map.get("macro avg");
        assertEquals(0.5, (double) macro.get("precision"), EPS);
        assertEquals(5.0 / 9.0, (double) macro.get("recall"), EPS);
        assertEquals(22.0 / 45.0, (double) macro.get("f1-score"), EPS);
        assertEquals(5L, macro.get("support"));
        Map<String, Object> weighted = (Map<String, Object>) map.get("weighted avg");
        assertEquals(0.7, (double) weighted.get("precision"), EPS);
        assertEquals(0.6, (double) weighted.get("recall"), EPS);
        assertEquals(46.0 / 75.0, (double) weighted.get("f1-score"), EPS);
    }

    @Test
    void longNamesWidenTheFirstColumn() {
        // Python's "{:>{width}s}" with width = max(longest name, len("weighted avg")): the name is
        // never cut. Two classes, all correct: every score 1.00, support 1 each.
        String expected = """
                                    precision    recall  f1-score   support

                a rather long name       1.00      1.00      1.00         1
                                 b       1.00      1.00      1.00         1

                          accuracy                           1.00         2
                         macro avg       1.00      1.00      1.00         2
                      weighted avg       1.00      1.00      1.00         2
                """;
        assertEquals(expected, ClassificationReport.singleLabel(new int[] {0, 1}, new int[] {0, 1},
                List.of("a rather long name", "b")).format());
    }

    @Test
    void roundsLikePython() {
        // Python format(x, ".2f") rounds the exact binary value half-even:
        // 0.125 is exact -> "0.12"; 0.675 is stored as 0.67500000000000004... -> "0.68";
        // 2.675 is stored as 2.67499999999999982... -> "2.67"; -0.001 -> "-0.00".
        assertEquals("0.12", ClassificationReport.decimal(0.125, 2));
        assertEquals("0.68", ClassificationReport.decimal(0.675, 2));
        assertEquals("2.67", ClassificationReport.decimal(2.675, 2));
        assertEquals("-0.00", ClassificationReport.decimal(-0.001, 2));
        assertEquals("nan", ClassificationReport.decimal(Double.NaN, 2));
    }

    @Test
    void multiLabelTable() {
        // Y = [[1,0,0],[0,1,0],[1,1,0],[0,0,0]], P = [[1,0,0],[0,1,1],[1,0,0],[0,0,0]].
        // a: tp=2 fp=0 fn=0 -> 1,1,1 support 2.  b: tp=1 fp=0 fn=1 -> 1, 0.5, 2/3, support 2.
        // c: tp=0 fp=1 fn=0 -> 0,0,0 support 0.  micro: tp=3, pred=4, true=4 -> 0.75 each.
        // macro: (2/3, 0.5, 5/9). weighted by (2,2,0): (1, 0.75, 5/6).
        // samples: rows (P,R,F) = (1,1,1), (1/2,1,2/3), (1,1/2,2/3), (0,0,0) [empty vs empty: zero_division]
        //   -> (0.625, 0.625, 0.5833). Same table as sklearn's classification_report for these inputs.
        String expected = """
                              precision    recall  f1-score   support

                           a       1.00      1.00      1.00         2
                           b       1.00      0.50      0.67         2
                           c       0.00      0.00      0.00         0

                   micro avg       0.75      0.75      0.75         4
                   macro avg       0.67      0.50      0.56         4
                weighted avg       1.00      0.75      0.83         4
                 samples avg       0.62      0.62      0.58         4
                """;
        int[][] y = {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {0, 0, 0}};
        int[][] p = {{1, 0, 0}, {0, 1, 1}, {1, 0, 0}, {0, 0, 0}};
        ClassificationReport report = ClassificationReport.multiLabel(y, p, List.of("a", "b", "c"));
        assertEquals(expected, report.format());
        assertTrue(report.accuracy().isEmpty());
        assertEquals(List.of("a", "b", "c", "micro avg", "macro avg", "weighted avg", "samples avg"),
                List.copyOf(report.toMap().keySet()));
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.singleLabel(new int[] {0, 3}, new int[] {0, 1}, List.of("x", "y")));
        assertEquals("labels[1] = 3: expected a class index in 0..1 (2 classes)", range.getMessage());
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.singleLabel(new int[] {0, 1}, new int[] {0, 1}, List.of("x", "x")));
        assertEquals("label names: expected distinct, non-null names, found 'x' twice in [x, x]", names.getMessage());
    }
}
