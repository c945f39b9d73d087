package dev.jbert.trainer.data;

/**
 * The random numbers behind every shuffle of the data: SplitMix64 (Steele, Lea and Flood, 2014),
 * written out here so that a (seed, purpose, index) gives the same permutation on every JVM and
 * version, forever. A stream is keyed by a seed and any number of keys (the purpose, the epoch, the
 * class): {@code state = mix(seed)}, then {@code state = mix(state ^ mix(key))} for each key, where
 * {@code mix} is SplitMix64's output function applied to {@code x + 0x9E3779B97F4A7C15}. Integers
 * below a bound use Lemire's multiply-and-reject method; {@link #shuffle} is Fisher-Yates from the end.
 *
 * <p>PyTorch's {@code RandomSampler} draws from its own generator (Mersenne Twister / Philox), which
 * we do not reproduce: the same seed gives a different order here than in Hugging Face's Trainer.
 */
final class SeededRandom {
    /** Purposes, so that the streams for shuffling, splitting and rebalancing never coincide. */
    static final long EPOCH = 0x45504f4348L;
    static final long SPLIT = 0x53504c4954L;
    static final long REBALANCE = 0x42414c414e4345L;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;

    private SeededRandom(long state) {
        this.state = state;
    }

    static SeededRandom of(long seed, long... keys) {
        long s = mix(seed);
        for (long k : keys) {
            s = mix(s ^ mix(k));
        }
        return new SeededRandom(s);
    }

    private static long mix(long x) {
        long z = x + GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound), bound > 0. */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long threshold = (1L << 32) % bound;
        while (true) {
            long m = (nextLong() >>> 32) * bound;
            if ((m & 0xFFFFFFFFL) >= threshold) {
                return (int) (m >>> 32);
            }
        }
    }

    /** Shuffles in place: for i from n-1 down to 1, swap a[i] with a[nextInt(i + 1)]. */
    void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A random permutation of 0..n-1. */
    int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }
}
