package dev.jbert.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Host bf16 rounding: nearest, ties to even, checked against exact decimal arithmetic. */
class Bf16Test {

    @Test
    void roundsToTheNearestBf16TiesToEven() {
        SplittableRandom random = new SplittableRandom(3);
        for (int t = 0; t < 50_000; t++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                continue;
            }
            check(f);
        }
        // ties: exactly half-way between two bf16 values
        check(Float.intBitsToFloat(0x3F808000)); // 1 + 2^-8: tie, even neighbour is 1.0
        check(Float.intBitsToFloat(0x3F818000)); // tie, even neighbour rounds up
        assertEquals(Float.intBitsToFloat(0x3F800000), Bf16.round(Float.intBitsToFloat(0x3F808000)));
        assertEquals(Float.intBitsToFloat(0x3F820000), Bf16.round(Float.intBitsToFloat(0x3F818000)));
    }

    /** The result is a bf16 value, and no bf16 value is nearer; at a tie the even one is chosen. */
    private static void check(float f) {
        short h = Bf16.fromFloat(f);
        float r = Bf16.toFloat(h);
        int bits = Float.floatToRawIntBits(f);
        float down = Float.intBitsToFloat(bits & 0xFFFF0000); // truncation towards zero
        float up = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000); // next bf16 away from zero
        assertTrue(r == down || r == up || (Float.isInfinite(r) && Float.isInfinite(up)), f + " → " + r);
        if (Float.isInfinite(up)) {
            return;
        }
        BigDecimal x = new BigDecimal(f);
        int cmp = x.subtract(new BigDecimal(down)).abs().compareTo(x.subtract(new BigDecimal(up)).abs());
        float expected = cmp < 0 ? down : cmp > 0 ? up : ((Float.floatToRawIntBits(down) >>> 16) & 1) == 0 ? down : up;
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(r), "rounding " + f);
    }

    @Test
    void specialValues() {
        assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
        assertTrue(Float.isNaN(Bf16.round(Float.intBitsToFloat(0x7F800001)))); // a NaN whose top bits look like ∞
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.MAX_VALUE));
        assertEquals(Float.NEGATIVE_INFINITY, Bf16.round(-Float.MAX_VALUE));
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.POSITIVE_INFINITY));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Bf16.round(-0f)));
        assertEquals(Float.MIN_VALUE * 0, Bf16.round(Float.MIN_VALUE)); // smallest denormal rounds to +0
        assertEquals((short) 0x3F80, Bf16.fromFloat(1f));
    }

    @Test
    void packsTwoPerIntInMemoryOrder() {
        float[] v = {1f, -2f, 0.5f};
        int[] packed = Bf16.pack(v, 0, 3);
        assertArrayEquals(new int[] {0xC0003F80, 0x00003F00}, packed);
        assertArrayEquals(v, Bf16.unpack(packed, 3));
        assertArrayEquals(new int[] {0x3F00C000}, Bf16.pack(v, 1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Bf16.pack(v, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Bf16.unpack(packed, 5));
    }
}
