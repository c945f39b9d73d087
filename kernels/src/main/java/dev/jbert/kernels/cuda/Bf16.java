package dev.jbert.kernels.cuda;

import java.util.Objects;

/**
 * bfloat16 on the host: the top 16 bits of a float32 (1 sign, 8 exponent, 7 mantissa bits), as
 * the tensor-core GEMMs and cuBLAS's {@code CUDA_R_16BF} take it. Rounding is to nearest, ties to
 * even, like the kernels' {@code cvt.rn.bf16x2.f32}; NaN stays NaN; overflow rounds to ±∞.
 * ({@link Float#floatToFloat16} is IEEE half precision, a different format.)
 */
public final class Bf16 {
    private Bf16() {
    }

    /** The bf16 bits nearest to {@code f}. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040); // keep sign and payload top, force a quiet NaN
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** The float32 value of bf16 bits (exact). */
    public static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /** {@code f} rounded to the nearest bf16 value, as a float. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }

    /**
     * {@code n} floats from {@code src[off]} as bf16, two per int in memory order (element 2i in
     * the low half, 2i+1 in the high half, as little-endian memory holds them): upload the result
     * with {@code Device.toDevice(long, int[], ...)} to fill a bf16 device buffer of n elements.
     * An odd count leaves the last high half zero.
     */
    public static int[] pack(float[] src, int off, int n) {
        Objects.checkFromIndexSize(off, n, src.length);
        int[] packed = new int[(n + 1) / 2];
        for (int i = 0; i < n; i++) {
            int h = fromFloat(src[off + i]) & 0xFFFF;
            packed[i >> 1] |= (i & 1) == 0 ? h : h << 16;
        }
        return packed;
    }

    /** The inverse of {@link #pack}: {@code n} bf16 values from packed ints, as floats. */
    public static float[] unpack(int[] packed, int n) {
        if (n < 0 || (n + 1) / 2 > packed.length) {
            throw new IllegalArgumentException("unpack: " + n + " bf16 values need " + (n + 1) / 2 + " ints, got " + packed.length);
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = toFloat((short) (packed[i >> 1] >>> ((i & 1) * 16)));
        }
        return out;
    }
}
