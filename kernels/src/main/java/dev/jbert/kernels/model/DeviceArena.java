package dev.jbert.kernels.model;

import dev.jbert.kernels.device.Device;

/**
 * One block of device memory, cut into buffers with 256-byte alignment. A device model is laid
 * out twice with the same code: first against a measuring arena (no memory, it only adds up the
 * bytes each buffer needs), then against the real one, allocated once with exactly that total. So
 * no buffer is ever allocated during a training step, and the memory a model needs is known
 * before anything is allocated.
 */
final class DeviceArena {
    static final long ALIGN = 256;

    private final long base;
    private long used;
    private long stateBytes;

    private DeviceArena(long base) {
        this.base = base;
    }

    /** An arena that hands out offsets from a notional address so that a layout can be sized. */
    static DeviceArena measuring() {
        return new DeviceArena(ALIGN);
    }

    /** An arena over {@code bytes} of device memory at {@code base} (from one {@link Device#alloc}). */
    static DeviceArena over(long base) {
        return new DeviceArena(base);
    }

    /** A buffer of {@code n} floats (or ints: both are 4 bytes). */
    long floats(long n) {
        return bytes(4 * n);
    }

    /** A buffer of {@code n} doubles. */
    long doubles(long n) {
        return bytes(8 * n);
    }

    /** A buffer of {@code n} floats that belongs to the model's state (weights, gradients, moments). */
    long stateFloats(long n) {
        long before = used;
        long p = floats(n);
        stateBytes += used - before;
        return p;
    }

    /** A buffer of at least {@code n} bytes, aligned to 256 bytes; 0 bytes still gives a distinct address. */
    long bytes(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative buffer size " + n);
        }
        long p = base + used;
        used += Math.max(ALIGN, (n + ALIGN - 1) / ALIGN * ALIGN);
        return p;
    }

    /** Bytes handed out so far. */
    long used() {
        return used;
    }

    /** Of {@link #used()}, the bytes of weights, gradients and optimizer moments. */
    long stateBytes() {
        return stateBytes;
    }
}
