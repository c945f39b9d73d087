package dev.jbert.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsPrecisionRecallF1Test {
    private static final double EPS = 1e-12;

    // sklearn precision_recall_fscore_support docstring:
    // y_true = [cat, dog, pig, cat, dog, pig], y_pred = [cat, pig, dog, cat, cat, dog]; cat=0, dog=1, pig=2.
    private static final ClassCounts PETS = ConfusionMatrix.of(
            new int[] {0, 1, 2, 0, 1, 2}, new int[] {0, 2, 1, 0, 0, 1}, 3).classCounts();

    private static void assertScores(double p, double r, double f, PrecisionRecallF1 actual) {
        assertEquals(p, actual.precision(), EPS, "precision");
        assertEquals(r, actual.recall(), EPS, "recall");
        assertEquals(f, actual.f1(), EPS, "f1");
    }

    @Test
    void perClass() {
        // cat: tp=2, predicted 3, true 2 -> P=2/3, R=1, F=4/5. dog: tp=0 (pred 2, true 2). pig: tp=0 (pred 1, true 2).
        assertScores(2.0 / 3.0, 1.0, 0.8, PETS.scores(0));
        assertScores(0.0, 0.0, 0.0, PETS.scores(1));
        assertScores(0.0, 0.0, 0.0, PETS.scores(2));
    }

    @Test
    void scikitLearnDocstringAverages() {
        // Docstring: macro (0.22, 0.33, 0.26), micro (0.33, 0.33, 0.33), weighted (0.22, 0.33, 0.26).
        // Exactly: macro = mean of per class = (2/9, 1/3, 0.8/3); micro = 2 correct of 6 on each side;
        // weighted = macro here, since each class has support 2.
        assertScores(2.0 / 9.0, 1.0 / 3.0, 0.8 / 3.0, PETS.average(Average.MACRO));
        assertScores(1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, PETS.average(Average.MICRO));
        assertScores(2.0 / 9.0, 1.0 / 3.0, 0.8 / 3.0, PETS.average(Average.WEIGHTED));
    }

    @Test
    void classNeverPredictedOrNeverTrueScoresZero() {
        // zero_division="warn" -> 0.0: nothing predicted -> precision 0; nothing true -> recall 0;
        // neither -> F1 0. A class with tp=0, fp=0, fn=0 is still averaged into macro as 0.
        assertScores(0.0, 0.0, 0.0, PrecisionRecallF1.fromCounts(0, 0, 3));
        assertScores(0.0, 0.0, 0.0, PrecisionRecallF1.fromCounts(0, 2, 0));
        assertScores(0.0, 0.0, 0.0, PrecisionRecallF1.fromCounts(0, 0, 0));
        // Two labels of a multi-label problem: tp=[1,0], predicted=[2,0], support=[1,0]:
        // label 0 P=1/2 R=1 F=2/3; label 1 all 0. Macro = ((1/2+0)/2, (1+0)/2, (2/3+0)/2).
        ClassCounts counts = new ClassCounts(new long[] {1, 0}, new long[] {2, 0}, new long[] {1, 0});
        assertScores(0.25, 0.5, 1.0 / 3.0, counts.average(Average.MACRO));
        // weighted by support [1, 0]: class 0's scores alone.
        assertScores(0.5, 1.0, 2.0 / 3.0, counts.average(Average.WEIGHTED));
    }

    @Test
    void weightedWithoutAnySupportIsZero() {
        // sklearn: all supports 0 -> zero_division value (0.0 under "warn") for all three.
        ClassCounts counts = new ClassCounts(new long[] {0, 0}, new long[] {1, 0}, new long[] {0, 0});
        assertScores(0.0, 0.0, 0.0, counts.average(Average.WEIGHTED));
    }
}
