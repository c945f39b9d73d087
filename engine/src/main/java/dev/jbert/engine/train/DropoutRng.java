package dev.jbert.engine.train;

import dev.jbert.engine.cpu.Parallel;

/**
 * Counter-based random numbers for dropout masks: Philox4x32-10 (Salmon et al., "Parallel
 * random numbers: as easy as 1, 2, 3", SC'11; the generator behind cuRAND's and PyTorch's
 * GPU dropout), keyed by the seed.
 *
 * <p>The random word of element {@code e} of a mask is a pure function of
 * {@code (seed, stream, counter, e)}: Philox block {@code e/4}, lane {@code e%4}, with the
 * 128-bit Philox counter {@code (e/4, counter low, counter high, stream)} and the 64-bit key
 * {@code seed}. So a mask does not depend on how many threads fill it, or in what order, and a
 * GPU kernel can produce the very same mask. Convention: {@code stream} names a dropout site of
 * the model (e.g. layer·4 + site), {@code counter} the forward pass ({@link #counter()},
 * advanced once per forward pass by the training loop), so no two masks share random words.
 *
 * <p>This is not PyTorch's CPU generator (mt19937): masks are reproducible within jbert, not
 * equal to PyTorch's. State for checkpoints: {@link #seed()} and {@link #counter()}.
 */
public final class DropoutRng {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final long MASK32 = 0xFFFFFFFFL;
    /** Philox blocks (of 4 elements) per unit of parallel work. */
    private static final int BLOCKS_PER_TASK = 1 << 13;

    private final long seed;
    private long counter;

    public DropoutRng(long seed) {
        this(seed, 0);
    }

    /** Restores a generator from a checkpoint's seed and counter. */
    public DropoutRng(long seed, long counter) {
        this.seed = seed;
        this.counter = counter;
    }

    public long seed() {
        return seed;
    }

    /** The counter of the current forward pass. */
    public long counter() {
        return counter;
    }

    /** Moves to the next forward pass: later masks use fresh random words. */
    public void advance() {
        counter++;
    }

    public void setCounter(long counter) {
        this.counter = counter;
    }

    /**
     * Writes a dropout mask: {@code mask[off + e]} for {@code e < n} is {@code 1/(1−p)} (as
     * PyTorch: {@code 1f / (float)(1 − p)}) with probability {@code 1 − p}, else 0.
     * Element e keeps when its 32-bit random word (unsigned) is below
     * {@code floor((1 − p)·2³²)}, so p = 0 keeps everything and p = 1 nothing (all zeros).
     * Runs on {@link Parallel}; the result does not depend on the thread count.
     *
     * @param stream the dropout site, in [0, 2³²)
     * @param counter the forward pass (usually {@link #counter()})
     */
    public void fillMask(float[] mask, int off, int n, double p, long stream, long counter) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must lie in [0, 1], found " + p);
        }
        if (stream < 0 || stream > MASK32) {
            throw new IllegalArgumentException("dropout stream must lie in [0, 2^32), found " + stream);
        }
        if (off < 0 || n < 0 || off + n > mask.length || off + n < 0) {
            throw new IndexOutOfBoundsException("mask range [" + off + ", " + off + n + ") outside an array of "
                    + mask.length);
        }
        final long threshold = (long) Math.floor((1.0 - p) * 4294967296.0);
        final float scale = p == 1.0 ? 0f : 1f / (float) (1.0 - p);
        int blocks = (int) ((n + 3L) / 4);
        int tasks = (blocks + BLOCKS_PER_TASK - 1) / BLOCKS_PER_TASK;
        Parallel.forRange(tasks, 1, (from, to, chunk) -> {
            int firstElement = from * BLOCKS_PER_TASK * 4;
            int endElement = (int) Math.min(n, (long) to * BLOCKS_PER_TASK * 4);
            fillRange(mask, off, firstElement, endElement, threshold, scale, stream, counter);
        });
    }

    /** Elements [first, end) of a mask (first a multiple of 4). */
    private void fillRange(float[] mask, int off, int first, int end, long threshold, float scale,
                           long stream, long counter) {
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        int c1 = (int) counter;
        int c2 = (int) (counter >>> 32);
        int c3 = (int) stream;
        for (int e = first; e < end; e += 4) {
            // Philox4x32-10 of counter (e/4, c1, c2, c3), inlined
            int x0 = e >>> 2;
            int x1 = c1;
            int x2 = c2;
            int x3 = c3;
            int key0 = k0;
            int key1 = k1;
            for (int round = 0; round < 10; round++) {
                long p0 = (x0 & MASK32) * (M0 & MASK32);
                long p1 = (x2 & MASK32) * (M1 & MASK32);
                int y0 = (int) (p1 >>> 32) ^ x1 ^ key0;
                int y2 = (int) (p0 >>> 32) ^ x3 ^ key1;
                x1 = (int) p1;
                x3 = (int) p0;
                x0 = y0;
                x2 = y2;
                key0 += W0;
                key1 += W1;
            }
            int base = off + e;
            int left = end - e;
            mask[base] = (x0 & MASK32) < threshold ? scale : 0f;
            if (left > 1) {
                mask[base + 1] = (x1 & MASK32) < threshold ? scale : 0f;
            }
            if (left > 2) {
                mask[base + 2] = (x2 & MASK32) < threshold ? scale : 0f;
            }
            if (left > 3) {
                mask[base + 3] = (x3 & MASK32) < threshold ? scale : 0f;
            }
        }
    }

    /**
     * Philox4x32-10 of a 128-bit counter under a 64-bit key (Random123's
     * {@code philox4x32_R(10, ctr, key)}); the building block of {@link #fillMask}.
     */
    public static int[] philox4x32(int c0, int c1, int c2, int c3, int key0, int key1) {
        int x0 = c0;
        int x1 = c1;
        int x2 = c2;
        int x3 = c3;
        for (int round = 0; round < 10; round++) {
            long p0 = (x0 & MASK32) * (M0 & MASK32);
            long p1 = (x2 & MASK32) * (M1 & MASK32);
            int y0 = (int) (p1 >>> 32) ^ x1 ^ key0;
            int y2 = (int) (p0 >>> 32) ^ x3 ^ key1;
            x1 = (int) p1;
            x3 = (int) p0;
            x0 = y0;
            x2 = y2;
            key0 += W0;
            key1 += W1;
        }
        return new int[] {x0, x1, x2, x3};
    }

    /** The random word of mask element {@code element} for (stream, counter) under this seed. */
    public int word(long stream, long counter, long element) {
        int[] out = philox4x32((int) (element >>> 2), (int) counter, (int) (counter >>> 32), (int) stream,
                (int) seed, (int) (seed >>> 32));
        return out[(int) (element & 3)];
    }
}
