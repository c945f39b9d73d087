package dev.jbert.kernels.ops;

import dev.jbert.kernels.device.Device;

/**
 * Where each parameter tensor lives in the four flat buffers (parameters, gradients, exp_avg,
 * exp_avg_sq) the optimizer kernels work on, and the chunk tables they need (see optimizer.cu):
 * tensor t is [offset(t), offset(t) + size(t)), padded to a multiple of 64 floats (256 bytes);
 * chunks of at most {@link #CHUNK} elements never straddle tensors.
 *
 * <p>The tables as the kernels read them: {@code tensorOffset[t]} = offset(t) for t ≤ numTensors
 * ({@code tensorOffset[numTensors]} = {@link #totalFloats()}), so tensor t's range includes its
 * padding; {@code tensorFirstChunk[t]} = the first chunk of tensor t, cdiv(size(t), CHUNK) chunks
 * each, {@code tensorFirstChunk[numTensors]} = {@link #numChunks()}; {@code tensorFlags[t]} bit 0
 * = weight-decay group. The padding must hold zeros in all four buffers (allocate them zeroed and
 * keep the gradients' padding zero): zeros add nothing to the norm and AdamW keeps them zero.
 */
public final class OptimizerLayout {
    /** Elements per chunk, as the CPU AdamW. */
    public static final int CHUNK = 32768;
    /** Each tensor starts at a multiple of this many floats (256 bytes). */
    public static final int ALIGN_FLOATS = 64;

    /** tensorFlags bit 0: the tensor is in the weight-decay group. */
    static final int FLAG_DECAY = 1;

    private final long[] sizes;
    private final long[] offsets;     // numTensors + 1
    private final int[] firstChunks;  // numTensors + 1
    private final int[] flags;        // numTensors

    private OptimizerLayout(long[] sizes, long[] offsets, int[] firstChunks, int[] flags) {
        this.sizes = sizes;
        this.offsets = offsets;
        this.firstChunks = firstChunks;
        this.flags = flags;
    }

    /** A layout for tensors of these sizes; decays[t]: tensor t is in the weight-decay group. */
    public static OptimizerLayout of(long[] sizes, boolean[] decays) {
        if (sizes == null || decays == null) {
            throw new IllegalArgumentException("OptimizerLayout: sizes and decays must not be null");
        }
        if (sizes.length != decays.length) {
            throw new IllegalArgumentException("OptimizerLayout: " + sizes.length + " sizes but " + decays.length
                    + " decay flags");
        }
        int n = sizes.length;
        long[] offsets = new long[n + 1];
        int[] firstChunks = new int[n + 1];
        int[] flags = new int[n];
        long offset = 0;
        long chunk = 0;
        for (int t = 0; t < n; t++) {
            long size = sizes[t];
            if (size < 0) {
                throw new IllegalArgumentException("OptimizerLayout: size of tensor " + t + " must be ≥ 0, found "
                        + size);
            }
            offsets[t] = offset;
            firstChunks[t] = (int) chunk;
            flags[t] = decays[t] ? FLAG_DECAY : 0;
            offset += (size + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
            chunk += (size + CHUNK - 1) / CHUNK;
            if (chunk > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("OptimizerLayout: more than 2^31 − 1 chunks of " + CHUNK
                        + " elements (at tensor " + t + ")");
            }
        }
        offsets[n] = offset;
        firstChunks[n] = (int) chunk;
        return new OptimizerLayout(sizes.clone(), offsets, firstChunks, flags);
    }

    public int numTensors() {
        return sizes.length;
    }

    /** First float of tensor t in each flat buffer. */
    public long offset(int t) {
        return offsets[check(t)];
    }

    public long size(int t) {
        return sizes[check(t)];
    }

    /** Whether tensor t is in the weight-decay group. */
    public boolean decays(int t) {
        return (flags[check(t)] & FLAG_DECAY) != 0;
    }

    /** The first chunk of tensor t ({@code t = numTensors()} gives {@link #numChunks()}). */
    public int firstChunk(int t) {
        if (t < 0 || t > sizes.length) {
            throw new IndexOutOfBoundsException("tensor " + t + " outside [0, " + sizes.length + "]");
        }
        return firstChunks[t];
    }

    /** Floats each flat buffer must hold (padding included). */
    public long totalFloats() {
        return offsets[sizes.length];
    }

    public int numChunks() {
        return firstChunks[sizes.length];
    }

    private int check(int t) {
        if (t < 0 || t >= sizes.length) {
            throw new IndexOutOfBoundsException("tensor " + t + " outside [0, " + sizes.length + ")");
        }
        return t;
    }

    /** Uploads the tables (offsets, first chunks, flags) into device buffers. */
    public OnDevice upload(Device device) {
        if (device == null) {
            throw new IllegalArgumentException("OptimizerLayout.upload: device must not be null");
        }
        int n = sizes.length;
        long offsetPtr = 0;
        long chunkPtr = 0;
        long flagPtr = 0;
        try {
            offsetPtr = device.alloc((n + 1L) * Long.BYTES);
            chunkPtr = device.alloc((n + 1L) * Integer.BYTES);
            flagPtr = device.alloc(Math.max(1, n) * (long) Integer.BYTES);
            device.toDevice(offsetPtr, offsets, 0, n + 1);
            device.toDevice(chunkPtr, firstChunks, 0, n + 1);
            if (n > 0) {
                device.toDevice(flagPtr, flags, 0, n);
            }
        } catch (RuntimeException e) {
            device.free(flagPtr);
            device.free(chunkPtr);
            device.free(offsetPtr);
            throw e;
        }
        return new Tables(this, device, offsetPtr, chunkPtr, flagPtr);
    }

    /** The tables on a device; {@link #close} frees them. */
    public interface OnDevice extends AutoCloseable {
        OptimizerLayout layout();

        long tensorOffset();

        long tensorFirstChunk();

        long tensorFlags();

        @Override
        void close();
    }

    /** The three device buffers of {@link #upload}. */
    private static final class Tables implements OnDevice {
        private final OptimizerLayout layout;
        private final Device device;
        private final long tensorOffset;
        private final long tensorFirstChunk;
        private final long tensorFlags;
        private boolean closed;

        Tables(OptimizerLayout layout, Device device, long tensorOffset, long tensorFirstChunk, long tensorFlags) {
            this.layout = layout;
            this.device = device;
            this.tensorOffset = tensorOffset;
            this.tensorFirstChunk = tensorFirstChunk;
            this.tensorFlags = tensorFlags;
        }

        @Override
        public OptimizerLayout layout() {
            return layout;
        }

        @Override
        public long tensorOffset() {
            return live(tensorOffset);
        }

        @Override
        public long tensorFirstChunk() {
            return live(tensorFirstChunk);
        }

        @Override
        public long tensorFlags() {
            return live(tensorFlags);
        }

        private long live(long ptr) {
            if (closed) {
                throw new IllegalStateException("the optimizer layout's device tables were closed");
            }
            return ptr;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                device.free(tensorFlags);
                device.free(tensorFirstChunk);
                device.free(tensorOffset);
            }
        }
    }
}
