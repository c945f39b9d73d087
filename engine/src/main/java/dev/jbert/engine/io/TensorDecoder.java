package dev.jbert.engine.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Converts stored little-endian elements to float32 or to long. F32 is one bulk copy; the
 * others go element by element ({@link Float#float16ToFloat} for F16, a 16-bit shift for BF16:
 * both exact, NaN and infinities included).
 */
final class TensorDecoder {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TensorDecoder() {
    }

    /** bfloat16 bits to float32: the upper half of a float32. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** IEEE binary16 bits to float32. */
    static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** Reads {@code n} elements of a floating dtype at byte {@code offset} into {@code dst}. */
    static void readFloats(MemorySegment seg, long offset, DType dtype, float[] dst, int n) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(seg, F32, offset, dst, 0, n);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = (float) seg.get(F64, offset + 8L * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = f16ToFloat(seg.get(I16, offset + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = bf16ToFloat(seg.get(I16, offset + 2L * i));
                }
            }
            default -> throw new IllegalArgumentException("not a floating dtype: " + dtype);
        }
    }

    /**
     * Reads {@code n} elements of an integer dtype as longs; returns the index of the first U64
     * value that does not fit a long, or -1.
     */
    static int readLongs(MemorySegment seg, long offset, DType dtype, long[] dst, int n) {
        switch (dtype) {
            case I64 -> MemorySegment.copy(seg, I64, offset, dst, 0, n);
            case U64 -> {
                MemorySegment.copy(seg, I64, offset, dst, 0, n);
                for (int i = 0; i < n; i++) {
                    if (dst[i] < 0) {
                        return i;
                    }
                }
            }
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = seg.get(I32, offset + 4L * i);
                }
            }
            case U32 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = Integer.toUnsignedLong(seg.get(I32, offset + 4L * i));
                }
            }
            case I16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = seg.get(I16, offset + 2L * i);
                }
            }
            case U16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = Short.toUnsignedLong(seg.get(I16, offset + 2L * i));
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = seg.get(ValueLayout.JAVA_BYTE, offset + i);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = Byte.toUnsignedLong(seg.get(ValueLayout.JAVA_BYTE, offset + i));
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = seg.get(ValueLayout.JAVA_BYTE, offset + i) != 0 ? 1 : 0;
                }
            }
            default -> throw new IllegalArgumentException("not an integer dtype: " + dtype);
        }
        return -1;
    }
}
