package dev.jbert.engine.nn;

/** Reusable activation buffers: grown when a larger batch arrives, never shrunk. */
final class Buffers {
    private Buffers() {
    }

    /** {@code a} when it holds at least n floats, else a new zeroed array of n floats. */
    static float[] ensure(float[] a, int n) {
        return a != null && a.length >= n ? a : new float[n];
    }
}
