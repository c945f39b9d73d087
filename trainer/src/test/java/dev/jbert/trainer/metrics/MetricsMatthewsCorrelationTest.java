package dev.jbert.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsMatthewsCorrelationTest {
    private static final double EPS = 1e-12;

    @Test
    void scikitLearnDocstringExample() {
        // sklearn matthews_corrcoef docstring: y_true=[+1,+1,+1,-1], y_pred=[+1,-1,+1,+1] -> -0.33...
        // With -1 -> 0, +1 -> 1: tp=2, fn=1, fp=1, tn=0: (2*0 - 1*1) / sqrt(3*3*1*1) = -1/3.
        ConfusionMatrix cm = ConfusionMatrix.of(new int[] {1, 1, 1, 0}, new int[] {1, 0, 1, 1}, 2);
        assertEquals(-1.0 / 3.0, MatthewsCorrelation.of(cm), EPS);
    }

    @Test
    void multiClassFormula() {
        // y_true=[0,1,2,2,2], y_pred=[0,0,2,2,1] (classification_report docstring data).
        // C = [[1,0,0],[1,0,0],[0,1,2]]: t=[1,1,3], p=[2,1,2], trace c=3, s=5.
        // (c*s - t.p) = 15 - (2+1+6) = 6; s^2 - p.p = 25 - 9 = 16; s^2 - t.t = 25 - 11 = 14.
        // MCC = 6 / sqrt(16*14) = 6 / sqrt(224) = 0.40089...
        ConfusionMatrix cm = ConfusionMatrix.of(new int[] {0, 1, 2, 2, 2}, new int[] {0, 0, 2, 2, 1}, 3);
        assertEquals(6.0 / Math.sqrt(224.0), MatthewsCorrelation.of(cm), EPS);
    }

    @Test
    void perfectAndConstantPredictions() {
        // Perfect: c = s, t = p: numerator s^2 - t.t equals both covariances -> 1.
        assertEquals(1.0, MatthewsCorrelation.of(ConfusionMatrix.of(new int[] {0, 1, 2}, new int[] {0, 1, 2}, 3)), EPS);
        // All predicted class 0: s^2 - p.p = 9 - 9 = 0 -> sklearn returns 0.0.
        assertEquals(0.0, MatthewsCorrelation.of(ConfusionMatrix.of(new int[] {0, 1, 1}, new int[] {0, 0, 0}, 2)), EPS);
    }
}
