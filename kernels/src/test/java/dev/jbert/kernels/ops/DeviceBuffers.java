package dev.jbert.kernels.ops;

import dev.jbert.kernels.device.Device;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The device buffers of one test case: allocated zeroed, filled from host arrays, read back,
 * and all freed by {@link #close}.
 */
final class DeviceBuffers implements AutoCloseable {
    private final Device device;
    private final Deque<Long> allocated = new ArrayDeque<>();

    DeviceBuffers(Device device) {
        this.device = device;
    }

    Device device() {
        return device;
    }

    /** {@code n} zeroed floats (at least one byte is allocated, so n = 0 gives a valid pointer). */
    long floats(long n) {
        return zeroed(n * Float.BYTES);
    }

    /** {@code n} zeroed doubles. */
    long doubles(long n) {
        return zeroed(n * Double.BYTES);
    }

    private long zeroed(long bytes) {
        long size = Math.max(Float.BYTES, bytes);
        long ptr = device.alloc(size);
        allocated.push(ptr);
        device.zero(ptr, size);
        return ptr;
    }

    /** A device copy of {@code a}. */
    long of(float[] a) {
        long ptr = floats(a.length);
        if (a.length > 0) {
            device.toDevice(ptr, a, 0, a.length);
        }
        return ptr;
    }

    /** A device copy of {@code a} (int32). */
    long of(int[] a) {
        long ptr = zeroed((long) a.length * Integer.BYTES);
        if (a.length > 0) {
            device.toDevice(ptr, a, 0, a.length);
        }
        return ptr;
    }

    /** Overwrites the floats at {@code ptr} with {@code a}. */
    void put(long ptr, float[] a) {
        device.toDevice(ptr, a, 0, a.length);
    }

    /** {@code n} floats from {@code ptr} (waits for the launches before it). */
    float[] read(long ptr, int n) {
        float[] a = new float[n];
        if (n > 0) {
            device.toHost(ptr, a, 0, n);
        }
        return a;
    }

    /** Columns [col, col + width) of a [rows, ld] buffer, read back as a contiguous [rows, width] array. */
    float[] readColumns(long ptr, int rows, int ld, int col, int width) {
        float[] all = read(ptr, rows * ld);
        float[] out = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(all, r * ld + col, out, r * width, width);
        }
        return out;
    }

    @Override
    public void close() {
        while (!allocated.isEmpty()) {
            device.free(allocated.pop());
        }
    }
}
