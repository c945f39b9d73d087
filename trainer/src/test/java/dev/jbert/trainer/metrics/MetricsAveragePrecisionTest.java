package dev.jbert.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsAveragePrecisionTest {
    private static final double EPS = 1e-12;

    @Test
    void scikitLearnDocstringExample() {
        // sklearn average_precision_score docstring: y=[0,0,1,1], scores=[0.1,0.4,0.35,0.8] -> 0.8333...
        // Thresholds, highest first, (P, R): 0.8 -> (1/1, 1/2); 0.4 -> (1/2, 1/2); 0.35 -> (2/3, 1); 0.1 -> (2/4, 1).
        // Σ (R_n - R_{n-1}) P_n = 0.5*1 + 0*0.5 + 0.5*(2/3) + 0*0.5 = 5/6.
        assertEquals(5.0 / 6.0, AveragePrecision.score(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8}), EPS);
    }

    @Test
    void tiedScoresFormOneThreshold() {
        // y=[0,0,1,1], s=[0.2,0.5,0.5,0.9]: 0.9 -> (P,R)=(1, 1/2); 0.5 (one pos + one neg together) -> (2/3, 1);
        // 0.2 -> (1/2, 1). AP = 0.5*1 + 0.5*(2/3) + 0 = 5/6. (Taking the tied positive first would
        // wrongly give 0.5*1 + 0.5*1 = 1.)
        assertEquals(5.0 / 6.0, AveragePrecision.score(new int[] {0, 0, 1, 1}, new double[] {0.2, 0.5, 0.5, 0.9}), EPS);
    }

    @Test
    void allTiedIsThePositiveRate() {
        // One threshold, everything predicted positive: P = 2/4, R goes 0 -> 1: AP = 1 * 0.5.
        assertEquals(0.5, AveragePrecision.score(new int[] {0, 1, 0, 1}, new double[] {0.5, 0.5, 0.5, 0.5}), EPS);
    }

    @Test
    void stepSumNotTrapezoid() {
        // y=[1,0,1], s=[0.9,0.8,0.7]: 0.9 -> (1, 1/2); 0.8 -> (1/2, 1/2); 0.7 -> (2/3, 1).
        // Step sum: 0.5*1 + 0 + 0.5*(2/3) = 5/6 = 0.8333...; a trapezoid from (R=0,P=1) would give
        // 0.5*(1+1)/2 + 0.5*(0.5+2/3)/2 = 0.7917, which sklearn does not compute.
        assertEquals(5.0 / 6.0, AveragePrecision.score(new int[] {1, 0, 1}, new double[] {0.9, 0.8, 0.7}), EPS);
    }

    @Test
    void noNegativesIsOneAndNoPositivesIsUndefined() {
        // All positive: precision 1 at every threshold, recall climbs to 1 -> AP = 1 (as sklearn).
        assertEquals(1.0, AveragePrecision.score(new int[] {1, 1}, new double[] {0.1, 0.2}), EPS);
        // No positive: recall is 0/0. sklearn warns and returns 0.0; jbert returns NaN (null in JSON).
        assertTrue(Double.isNaN(AveragePrecision.score(new int[] {0, 0}, new double[] {0.1, 0.2})));
    }
}
