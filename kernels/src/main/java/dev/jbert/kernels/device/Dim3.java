package dev.jbert.kernels.device;

/** A CUDA grid or block extent. Every component is at least 1. */
public record Dim3(int x, int y, int z) {
    public Dim3 {
        if (x < 1 || y < 1 || z < 1) {
            throw new IllegalArgumentException("grid/block extents must be ≥ 1, got (" + x + ", " + y + ", " + z + ")");
        }
    }

    public static Dim3 of(int x) {
        return new Dim3(x, 1, 1);
    }

    public static Dim3 of(int x, int y) {
        return new Dim3(x, y, 1);
    }

    public static Dim3 of(int x, int y, int z) {
        return new Dim3(x, y, z);
    }

    /** ⌈a / b⌉ for a ≥ 0, b ≥ 1. */
    public static int cdiv(long a, long b) {
        long r = (a + b - 1) / b;
        if (r > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("grid dimension " + r + " is too large");
        }
        return (int) r;
    }
}
