package dev.jbert.engine.io;

import dev.jbert.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * Values to write into a safetensors file with their element type: float32 ({@link Floats})
 * or int64 ({@link Longs}). The arrays are used as they are, not copied.
 */
public sealed interface TensorData {
    DType dtype();

    /** A copy of the shape. */
    int[] shape();

    static TensorData of(Tensor t) {
        return new Floats(t.data(), t.shape());
    }

    static TensorData ofFloats(float[] values, int... shape) {
        return new Floats(values, shape);
    }

    static TensorData ofLongs(long[] values, int... shape) {
        return new Longs(values, shape);
    }

    /** Number of elements of {@code shape}, checked against the number of values. */
    private static void check(int length, int[] shape) {
        long n = Tensor.numel(shape);
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + length);
        }
    }

    /** F32 values, row-major. */
    record Floats(float[] values, int[] shape) implements TensorData {
        public Floats {
            shape = shape.clone();
            check(values.length, shape);
        }

        @Override
        public DType dtype() {
            return DType.F32;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Floats f && Arrays.equals(values, f.values) && Arrays.equals(shape, f.shape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values) * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "F32" + Arrays.toString(shape);
        }
    }

    /** I64 values, row-major. */
    record Longs(long[] values, int[] shape) implements TensorData {
        public Longs {
            shape = shape.clone();
            check(values.length, shape);
        }

        @Override
        public DType dtype() {
            return DType.I64;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Longs l && Arrays.equals(values, l.values) && Arrays.equals(shape, l.shape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values) * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "I64" + Arrays.toString(shape);
        }
    }
}
