package dev.jbert.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.Backends;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The dropout layer: statistics of the masks are tested in DropoutRngTest; here, its use in the model. */
class DropoutLayerTest {
    private static float[] ones(int n) {
        float[] x = new float[n];
        Arrays.fill(x, 1f);
        return x;
    }

    @Test
    void trainingScalesKeptValuesAndBackwardUsesTheSameMask() {
        Dropout d = new Dropout(0.25, 7);
        RunContext ctx = new RunContext(Backends.cpu()).training(true).seed(11);
        int n = 10_000;
        float[] x = ones(n);
        d.forward(ctx, x, n);
        int kept = 0;
        for (float v : x) {
            assertTrue(v == 0f || v == 1f / 0.75f, "value " + v);
            kept += v != 0f ? 1 : 0;
        }
        // binomial(10000, 0.75): sd ≈ 43; 5 sd bounds
        assertTrue(Math.abs(kept - 7500) < 5 * 43.3, "kept " + kept);
        float[] dy = ones(n);
        d.backward(dy, n);
        assertArrayEquals(x, dy, "backward multiplies by the forward mask");
    }

    @Test
    void evaluationAndZeroProbabilityAreTheIdentity() {
        float[] x = ones(100);
        new Dropout(0.5, 1).forward(new RunContext(Backends.cpu()).seed(3), x, 100);
        assertArrayEquals(ones(100), x);
        new Dropout(0.0, 1).forward(new RunContext(Backends.cpu()).training(true).seed(3), x, 100);
        assertArrayEquals(ones(100), x);
    }

    @Test
    void masksRepeatForTheSameSeedSiteAndCounterAndChangeOtherwise() {
        RunContext a = new RunContext(Backends.cpu()).training(true).seed(5).counter(9);
        float[] m1 = new Dropout(0.1, 3).maskFor(a, 512).clone();
        float[] m2 = new Dropout(0.1, 3).maskFor(a, 512).clone();
        assertArrayEquals(m1, m2);
        float[] otherSite = new Dropout(0.1, 4).maskFor(a, 512).clone();
        assertFalse(Arrays.equals(m1, otherSite));
        a.counter(10);
        float[] otherStep = new Dropout(0.1, 3).maskFor(a, 512).clone();
        assertFalse(Arrays.equals(m1, otherStep));
        assertEquals(512, m1.length);
    }
}
