package dev.jbert.engine.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU backend's worker threads: a fixed pool, sized once (default: the machine's cores,
 * or {@code -Djbert.threads=N}, or {@link #setThreads}). Work is split into contiguous
 * ranges, one per thread; nested calls from a worker run inline on that worker.
 */
public final class Parallel {
    /** Splits [0, n) into ranges; the body gets [start, end) and the index of the chunk. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end, int chunk);
    }

    private static volatile int threads = defaultThreads();
    private static ExecutorService pool;
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);

    private Parallel() {
    }

    private static int defaultThreads() {
        String p = System.getProperty("jbert.threads");
        if (p != null) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) {
                    return t;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
            throw new IllegalArgumentException("-Djbert.threads must be a positive integer, got '" + p + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public static int threads() {
        return threads;
    }

    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        if (n != threads && pool != null) {
            pool.shutdown();
            pool = null;
        }
        threads = n;
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            AtomicInteger count = new AtomicInteger();
            ThreadFactory tf = r -> {
                Thread t = new Thread(() -> {
                    IN_WORKER.set(true);
                    r.run();
                }, "jbert-cpu-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            pool = Executors.newFixedThreadPool(threads, tf);
        }
        return pool;
    }

    /** True on one of the pool's threads (where further parallelism would only add overhead). */
    public static boolean inWorker() {
        return IN_WORKER.get();
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@code threads()} contiguous chunks.
     * Runs inline when n is small, when there is one thread, or when called from a worker.
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int t = Math.min(threads, Math.max(1, n / Math.max(1, minChunk)));
        if (t <= 1 || inWorker()) {
            body.run(0, n, 0);
            return;
        }
        ExecutorService p = pool();
        List<Future<?>> futures = new ArrayList<>(t - 1);
        for (int c = 1; c < t; c++) {
            final int start = (int) ((long) n * c / t);
            final int end = (int) ((long) n * (c + 1) / t);
            final int chunk = c;
            futures.add(p.submit(() -> body.run(start, end, chunk)));
        }
        IN_WORKER.set(true);
        try {
            body.run(0, (int) ((long) n / t), 0);
        } finally {
            IN_WORKER.set(false);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            }
        }
    }
}
