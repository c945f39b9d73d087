package dev.jbert.kernels;

import dev.jbert.kernels.device.Device;

/**
 * The device buffers {@link CudaBackend}'s per-operation path copies its host arrays into: one
 * buffer per slot (an operation's first input, its output, its workspace, ...), each grown when an
 * operation needs more and never shrunk, so that once the largest shapes have been seen no
 * operation allocates device memory.
 */
final class CudaBackendScratch implements AutoCloseable {
    /** The roles an operation's arrays play; each has its own buffer. */
    enum Slot {
        X, W, BIAS, PREACT, OUT, DY, DX, DW, DB, GAMMA, BETA, MEAN, RSTD,
        Q, K, V, KEY_MASK, PROBS, LSE, DELTA, DOUT, DQ, DK, DV, PARTIAL, PARTIAL2
    }

    private final Device device;
    private final long[] pointers = new long[Slot.values().length];
    private final long[] capacities = new long[Slot.values().length];

    CudaBackendScratch(Device device) {
        this.device = device;
    }

    /** The buffer of {@code slot}, holding at least {@code floats} floats (contents undefined). */
    long floats(Slot slot, long floats) {
        long bytes = Math.max(1, floats) * Float.BYTES;
        int i = slot.ordinal();
        if (capacities[i] < bytes) {
            long grown = Math.max(bytes, capacities[i] + capacities[i] / 2);
            device.free(pointers[i]);
            pointers[i] = 0;
            capacities[i] = 0;
            pointers[i] = device.alloc(grown);
            capacities[i] = grown;
        }
        return pointers[i];
    }

    /** Bytes held now, over all slots. */
    long bytes() {
        long sum = 0;
        for (long c : capacities) {
            sum += c;
        }
        return sum;
    }

    /** Frees every buffer; the pool can be used again afterwards. */
    @Override
    public void close() {
        for (int i = 0; i < pointers.length; i++) {
            device.free(pointers[i]);
            pointers[i] = 0;
            capacities[i] = 0;
        }
    }
}
