package dev.jbert.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsRegressionTest {
    private static final double EPS = 1e-12;

    private static double number(Map<String, Object> metrics, String key) {
        return (double) metrics.get(key);
    }

    @Test
    void handComputedExampleWithTies() {
        // labels x = [1,2,3,4,5], predictions y = [1,3,3,2,5] (a tie in y).
        Map<String, Object> m = Metrics.regression(new float[] {1, 2, 3, 4, 5}, new float[] {1, 3, 3, 2, 5});
        assertEquals(List.of("mse", "mae", "pearson", "spearman", "r2"), List.copyOf(m.keySet()));
        // errors y - x = [0,1,0,-2,0]: MSE = (1+4)/5 = 1, MAE = (1+2)/5 = 0.6.
        assertEquals(1.0, number(m, "mse"), EPS);
        assertEquals(0.6, number(m, "mae"), EPS);
        // Pearson: x - 3 = [-2,-1,0,1,2], y - 2.8 = [-1.8,0.2,0.2,-0.8,2.2];
        // Σ dx dy = 3.6 - 0.2 + 0 - 0.8 + 4.4 = 7, Σ dx² = 10, Σ dy² = 8.8 -> 7 / sqrt(88) = 0.74620...
        assertEquals(7.0 / Math.sqrt(88.0), number(m, "pearson"), EPS);
        // Spearman, average ranks for ties (scipy spearmanr): rank x = [1,2,3,4,5],
        // rank y = [1,3.5,3.5,2,5] (the two 3s share ranks 3 and 4). Pearson of the ranks:
        // d rank y = [-2,0.5,0.5,-1,2]; Σ = 4 - 0.5 + 0 - 1 + 4 = 6.5; Σ² = 9.5 -> 6.5 / sqrt(95) = 0.66689...
        assertEquals(6.5 / Math.sqrt(95.0), number(m, "spearman"), EPS);
        // r2 = 1 - SS_res/SS_tot = 1 - 5/10.
        assertEquals(0.5, number(m, "r2"), EPS);
    }

    @Test
    void negativeZeroTiesWithZeroInSpearman() {
        // scipy ranks -0.0 and 0.0 as a tie: label ranks [1.5, 1.5, 3], prediction ranks [1, 2, 3].
        // Deviations [-0.5,-0.5,1] and [-1,0,1]: Σ = 0.5 + 0 + 1 = 1.5, Σ² = 1.5 and 2 -> 1.5/sqrt(3).
        // (Ranking -0.0 below 0.0, as a plain Double.compare sort does, would give 1.)
        Map<String, Object> m = Metrics.regression(new float[] {-0.0f, 0.0f, 1f}, new float[] {1, 2, 3});
        assertEquals(1.5 / Math.sqrt(3.0), number(m, "spearman"), EPS);
    }

    @Test
    void constantPredictionsLeaveCorrelationsUndefined() {
        // Pearson and Spearman divide by the (zero) spread of the predictions: undefined -> null.
        // MSE = (1 + 0 + 1)/3; r2 = 1 - (2/3*3)/2 = 0.
        Map<String, Object> m = Metrics.regression(new float[] {1, 2, 3}, new float[] {2, 2, 2});
        assertTrue(m.containsKey("pearson"));
        assertNull(m.get("pearson"));
        assertNull(m.get("spearman"));
        assertEquals(2.0 / 3.0, number(m, "mse"), EPS);
        assertEquals(0.0, number(m, "r2"), EPS);
    }

    @Test
    void r2WithConstantLabelsIsForcedFinite() {
        // sklearn r2_score(force_finite=True): SS_tot = 0 -> 1.0 if the prediction is perfect, else 0.0.
        assertEquals(1.0, number(Metrics.regression(new float[] {2, 2}, new float[] {2, 2}), "r2"), EPS);
        assertEquals(0.0, number(Metrics.regression(new float[] {2, 2}, new float[] {2, 3}), "r2"), EPS);
    }

    @Test
    void oneExampleHasNoCorrelation() {
        // A correlation needs at least two points; errors are still defined: |1 - 3| = 2, squared 4.
        Map<String, Object> m = Metrics.regression(new float[] {1}, new float[] {3});
        assertNull(m.get("pearson"));
        assertNull(m.get("spearman"));
        assertEquals(4.0, number(m, "mse"), EPS);
        assertEquals(2.0, number(m, "mae"), EPS);
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Metrics.regression(new float[] {1, 2}, new float[] {1, Float.NaN}));
        assertEquals("predictions[1] = NaN: expected a finite number", nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.regression(new float[] {1, 2}, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.regression(new float[0], new float[0]));
    }
}
