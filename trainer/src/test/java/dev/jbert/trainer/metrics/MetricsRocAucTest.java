package dev.jbert.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsRocAucTest {
    private static final double EPS = 1e-12;

    @Test
    void scikitLearnDocstringExample() {
        // sklearn roc_auc_score docstring: y=[0,0,1,1], scores=[0.1,0.4,0.35,0.8] -> 0.75.
        // By pairs: positive 0.35 beats 0.1 but not 0.4; positive 0.8 beats both -> 3/4.
        assertEquals(0.75, RocAuc.score(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8}), EPS);
    }

    @Test
    void allScoresTiedGiveOneHalf() {
        // One threshold: the curve goes straight from (0,0) to (1,1); the trapezoid is 1 * (0+1)/2 = 0.5.
        assertEquals(0.5, RocAuc.score(new int[] {0, 1, 0, 1}, new double[] {0.5, 0.5, 0.5, 0.5}), EPS);
    }

    @Test
    void tiedPositiveAndNegativeCountOneHalf() {
        // y=[0,0,1,1], s=[0.2,0.5,0.5,0.9]; thresholds, highest first (tp, fp) of 2 positives, 2 negatives:
        //   0.9 -> (1,0): (fpr,tpr)=(0,0.5);  0.5 -> (2,1): (0.5,1);  0.2 -> (2,2): (1,1).
        // Trapezoids from (0,0): 0*(0+0.5)/2 + 0.5*(0.5+1)/2 + 0.5*(1+1)/2 = 0 + 0.375 + 0.5 = 0.875.
        // Check by pairs: 0.5>0.2, 0.5=0.5 (half), 0.9>0.2, 0.9>0.5 -> 3.5/4 = 0.875.
        assertEquals(0.875, RocAuc.score(new int[] {0, 0, 1, 1}, new double[] {0.2, 0.5, 0.5, 0.9}), EPS);
    }

    @Test
    void orderOfExamplesDoesNotMatter() {
        // Same examples as above, shuffled: the area depends only on the (label, score) multiset.
        assertEquals(0.875, RocAuc.score(new int[] {1, 0, 1, 0}, new double[] {0.5, 0.5, 0.9, 0.2}), EPS);
    }

    @Test
    void perfectAndReversedRankings() {
        // Every positive above every negative -> 1; every positive below -> 0.
        assertEquals(1.0, RocAuc.score(new int[] {0, 1, 0, 1}, new double[] {0.1, 0.9, 0.2, 0.8}), EPS);
        assertEquals(0.0, RocAuc.score(new int[] {1, 0, 1, 0}, new double[] {0.1, 0.9, 0.2, 0.8}), EPS);
    }

    @Test
    void negativeZeroTiesWithZero() {
        // numpy's diff groups -0.0 with 0.0 (they compare equal): one tied threshold -> 0.5 as above.
        assertEquals(0.5, RocAuc.score(new int[] {0, 1}, new double[] {0.0, -0.0}), EPS);
    }

    @Test
    void undefinedWithOneClassOnly() {
        // sklearn raises "Only one class present in y_true"; jbert answers NaN (null in JSON).
        assertTrue(Double.isNaN(RocAuc.score(new int[] {0, 0, 0}, new double[] {0.1, 0.2, 0.3})));
        assertTrue(Double.isNaN(RocAuc.score(new int[] {1, 1}, new double[] {0.1, 0.2})));
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> RocAuc.score(new int[] {0, 2}, new double[] {0.1, 0.2}));
        assertEquals("labels[1] = 2: expected 0 or 1", label.getMessage());
        IllegalArgumentException score = assertThrows(IllegalArgumentException.class,
                () -> RocAuc.score(new int[] {0, 1}, new double[] {0.1, Double.NaN}));
        assertEquals("scores[1] = NaN: expected a finite number", score.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RocAuc.score(new int[] {0, 1}, new double[] {0.1}));
    }
}
