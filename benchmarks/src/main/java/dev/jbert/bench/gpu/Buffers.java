package dev.jbert.bench.gpu;

import dev.jbert.kernels.cuda.Bf16;
import dev.jbert.kernels.device.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The device buffers of one benchmark trial: allocated and filled in the set-up, freed together
 * in the tear-down. Inputs are random, never zeros (zeros hide wrong indexing and can run faster
 * than real data): uniform in [center − spread, center + spread] from a fixed seed, generated on
 * the host in slices and copied up.
 */
final class Buffers implements AutoCloseable {
    private static final int SLICE = 1 << 20;
    /** Bytes the rotated input sets of a memory-bound benchmark span together: well over any L2 (H100 50 MB, H200 60 MB). */
    private static final long ROTATION_BYTES = 256L << 20;
    private static final int MAX_SETS = 8;

    private final Device device;
    private final SplittableRandom random;
    private final List<Long> allocations = new ArrayList<>();

    Buffers(Device device, long seed) {
        this.device = device;
        this.random = new SplittableRandom(seed);
    }

    /**
     * How many independent input/output sets a memory-bound benchmark rotates through so that
     * consecutive launches do not find their data in L2 (and time the cache, not device memory):
     * enough sets of {@code bytesPerCall} to span 256 MiB, at most 8.
     */
    static int rotationSets(long bytesPerCall) {
        long sets = (ROTATION_BYTES + bytesPerCall - 1) / Math.max(1, bytesPerCall);
        return (int) Math.max(1, Math.min(MAX_SETS, sets));
    }

    /** {@code n} floats, zeroed. */
    long zeros(long n) {
        long ptr = device.alloc(Math.max(1, n) * Float.BYTES);
        allocations.add(ptr);
        device.zero(ptr, Math.max(1, n) * Float.BYTES);
        return ptr;
    }

    /** {@code n} doubles, zeroed. */
    long zeroDoubles(long n) {
        long ptr = device.alloc(Math.max(1, n) * Double.BYTES);
        allocations.add(ptr);
        device.zero(ptr, Math.max(1, n) * Double.BYTES);
        return ptr;
    }

    /** {@code n} random floats in [center − spread, center + spread]. */
    long random(long n, double center, double spread) {
        long ptr = zeros(n);
        fill(ptr, n, center, spread);
        return ptr;
    }

    /** {@code n} random floats in [−spread, spread]. */
    long random(long n, double spread) {
        return random(n, 0, spread);
    }

    /** Overwrites {@code n} floats at {@code ptr} with random values in [center − spread, center + spread]. */
    void fill(long ptr, long n, double center, double spread) {
        float[] slice = new float[(int) Math.min(SLICE, Math.max(1, n))];
        for (long done = 0; done < n; done += slice.length) {
            int len = (int) Math.min(slice.length, n - done);
            for (int i = 0; i < len; i++) {
                slice[i] = (float) (center + spread * (2 * random.nextDouble() - 1));
            }
            device.toDevice(ptr + done * Float.BYTES, slice, 0, len);
        }
    }

    /** {@code n} floats all equal to {@code value}. */
    long constant(int n, float value) {
        long ptr = zeros(n);
        float[] v = new float[n];
        Arrays.fill(v, value);
        device.toDevice(ptr, v, 0, n);
        return ptr;
    }

    /** Host copies of random values: for inputs that also go up as bf16 ({@link #bf16}). */
    float[] randomHost(int n, double spread) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (spread * (2 * random.nextDouble() - 1));
        }
        return v;
    }

    /** {@code values} as a float32 device buffer. */
    long upload(float[] values) {
        long ptr = zeros(values.length);
        device.toDevice(ptr, values, 0, values.length);
        return ptr;
    }

    /** {@code values} rounded to bf16 (2 bytes each), as cuBLAS's bf16 GEMM inputs. */
    long bf16(float[] values) {
        int[] packed = Bf16.pack(values, 0, values.length);
        long ptr = device.alloc(Math.max(1, packed.length) * (long) Integer.BYTES);
        allocations.add(ptr);
        device.toDevice(ptr, packed, 0, packed.length);
        return ptr;
    }

    /** {@code n} random int32 values in [0, bound). */
    long randomInts(int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextInt(bound);
        }
        long ptr = device.alloc(Math.max(1, n) * (long) Integer.BYTES);
        allocations.add(ptr);
        device.toDevice(ptr, v, 0, n);
        return ptr;
    }

    /** Frees every buffer of this trial (after waiting for the work that uses them). */
    @Override
    public void close() {
        device.synchronize();
        for (int i = allocations.size() - 1; i >= 0; i--) {
            device.free(allocations.get(i));
        }
        allocations.clear();
    }
}
