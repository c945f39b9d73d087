package dev.jbert.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.cpu.Parallel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropoutRngTest {

    /** Random123's known-answer vectors for philox4x32_10 (kat_vectors). */
    @Test
    void philoxKnownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                DropoutRng.philox4x32(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                DropoutRng.philox4x32(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                DropoutRng.philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void keptFractionIsOneMinusPWithinFiveSigma() {
        DropoutRng rng = new DropoutRng(42);
        int n = 1_000_003;
        float[] mask = new float[n];
        for (double p : new double[] {0.1, 0.5, 0.9, 0.02}) {
            rng.fillMask(mask, 0, n, p, 3, 7);
            float scale = 1f / (float) (1.0 - p);
            long kept = 0;
            for (float m : mask) {
                if (m == scale) {
                    kept++;
                } else {
                    assertEquals(0f, m);
                }
            }
            double mean = n * (1 - p);
            double sigma = Math.sqrt(n * p * (1 - p));
            assertTrue(Math.abs(kept - mean) < 5 * sigma, "p " + p + ": kept " + kept + ", expected " + mean + " ± " + sigma);
        }
    }

    @Test
    void scaleIsExactlyOneOverOneMinusP() {
        float[] mask = new float[1000];
        new DropoutRng(1).fillMask(mask, 0, mask.length, 0.1, 0, 0);
        float max = 0;
        for (float m : mask) {
            max = Math.max(max, m);
        }
        assertEquals(1f / 0.9f, max);
        assertEquals(1f / (float) (1.0 - 0.1), max);
    }

    @Test
    void zeroAndOneProbabilities() {
        float[] mask = new float[101];
        new DropoutRng(1).fillMask(mask, 0, mask.length, 0.0, 0, 0);
        float[] ones = new float[101];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, mask);
        new DropoutRng(1).fillMask(mask, 0, mask.length, 1.0, 0, 0);
        assertArrayEquals(new float[101], mask);
        assertThrows(IllegalArgumentException.class, () -> new DropoutRng(1).fillMask(mask, 0, 1, 1.5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new DropoutRng(1).fillMask(mask, 0, 1, 0.1, -1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> new DropoutRng(1).fillMask(mask, 50, 52, 0.1, 0, 0));
    }

    @Test
    void sameInputsSameMaskDifferentInputsDifferentMasks() {
        int n = 4099;
        float[] a = mask(new DropoutRng(7), n, 2, 5);
        assertArrayEquals(a, mask(new DropoutRng(7), n, 2, 5));
        assertFalse(Arrays.equals(a, mask(new DropoutRng(7), n, 3, 5)), "another stream");
        assertFalse(Arrays.equals(a, mask(new DropoutRng(7), n, 2, 6)), "another counter");
        assertFalse(Arrays.equals(a, mask(new DropoutRng(8), n, 2, 5)), "another seed");
        assertFalse(Arrays.equals(a, mask(new DropoutRng(7L | (1L << 40)), n, 2, 5)), "seed's high word");
        assertFalse(Arrays.equals(a, mask(new DropoutRng(7), n, 2, 5 + (1L << 33))), "counter's high word");
    }

    @Test
    void maskDoesNotDependOnThreadCountOffsetOrLength() {
        int saved = Parallel.threads();
        try {
            int n = 200_001; // several parallel tasks, not a multiple of 4
            Parallel.setThreads(1);
            float[] one = mask(new DropoutRng(11), n, 9, 1);
            Parallel.setThreads(3);
            float[] three = mask(new DropoutRng(11), n, 9, 1);
            assertArrayEquals(one, three);
            // written at an offset, or only a prefix: the same values
            float[] shifted = new float[n + 5];
            new DropoutRng(11).fillMask(shifted, 5, n, 0.3, 9, 1);
            assertArrayEquals(one, Arrays.copyOfRange(shifted, 5, n + 5));
            float[] prefix = mask(new DropoutRng(11), 1234, 9, 1);
            assertArrayEquals(Arrays.copyOf(one, 1234), prefix);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void maskElementsComeFromTheirOwnWord() {
        DropoutRng rng = new DropoutRng(0x1234_5678_9abcL);
        float[] mask = mask(rng, 37, 4, 3);
        long threshold = (long) Math.floor(0.7 * 4294967296.0);
        for (int e = 0; e < mask.length; e++) {
            boolean keep = Integer.toUnsignedLong(rng.word(4, 3, e)) < threshold;
            assertEquals(keep ? 1f / 0.7f : 0f, mask[e], "element " + e);
        }
    }

    @Test
    void stateRestoresTheSequence() {
        DropoutRng a = new DropoutRng(99);
        a.advance();
        a.advance();
        DropoutRng b = new DropoutRng(a.seed(), a.counter());
        assertEquals(2, b.counter());
        assertArrayEquals(mask(a, 100, 1, a.counter()), mask(b, 100, 1, b.counter()));
    }

    private static float[] mask(DropoutRng rng, int n, long stream, long counter) {
        float[] m = new float[n];
        rng.fillMask(m, 0, n, 0.3, stream, counter);
        return m;
    }
}
