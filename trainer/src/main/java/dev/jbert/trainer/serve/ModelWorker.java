package dev.jbert.trainer.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread that owns the model, in front of it a bounded queue of requests. The thread takes the
 * oldest request and, with it, every request queued behind it while their inputs together fit in
 * {@code maxBatch}, and runs them as one batch: requests that arrive together are answered together.
 * A full queue refuses a request at once ({@link QueueFullException}), so waiting work never grows
 * past {@code capacity} requests.
 *
 * <p>Besides batches of inputs, the queue takes whole tasks ({@link #submitTask}: a zero-shot
 * classification), run alone on the same thread, so that only this thread ever touches the model.
 * A request whose caller gave up (its future cancelled) is skipped. When a batch fails, its requests
 * are run one by one, so that one bad input fails only its own request.
 */
public final class ModelWorker implements AutoCloseable {
    /** Inputs to batch with others (result != null), or a task to run alone (task != null). */
    private record Job(List<TextInput> inputs, CompletableFuture<float[][]> result, Runnable task,
                       CompletableFuture<?> future) {
        int size() {
            return inputs == null ? 0 : inputs.size();
        }
    }

    private final BatchModel model;
    private final int maxBatch;
    private final int capacity;
    private final BlockingQueue<Job> queue;
    private final Thread thread;
    private volatile boolean closed;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong inputs = new AtomicLong();
    private final AtomicInteger largest = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    public ModelWorker(BatchModel model, int maxBatch, int capacity) {
        if (maxBatch < 1 || capacity < 1) {
            throw new IllegalArgumentException("maxBatch and capacity must be positive, got " + maxBatch + ", " + capacity);
        }
        this.model = model;
        this.maxBatch = maxBatch;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::loop, "jbert-serve-model");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues inputs (1 to maxBatch of them); the future gets their logits, in order. */
    public CompletableFuture<float[][]> submit(List<TextInput> in) {
        if (in.isEmpty() || in.size() > maxBatch) {
            throw new IllegalArgumentException("expected 1 to " + maxBatch + " inputs, found " + in.size());
        }
        CompletableFuture<float[][]> f = new CompletableFuture<>();
        enqueue(new Job(List.copyOf(in), f, null, f));
        return f;
    }

    /** Queues a task that uses the model; it runs alone, on the model's thread. */
    public <T> CompletableFuture<T> submitTask(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Runnable run = () -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        };
        enqueue(new Job(null, null, run, f));
        return f;
    }

    private void enqueue(Job job) {
        if (closed) {
            throw new QueueFullException("the server is shutting down");
        }
        if (!queue.offer(job)) {
            refused.incrementAndGet();
            throw new QueueFullException("the model's queue is full (" + capacity + " requests waiting): try again shortly");
        }
    }

    public WorkerStats stats() {
        return new WorkerStats(batches.get(), inputs.get(), largest.get(), refused.get());
    }

    /** Requests waiting now. */
    public int queued() {
        return queue.size();
    }

    public int capacity() {
        return capacity;
    }

    private void loop() {
        List<Job> batch = new ArrayList<>();
        while (!closed) {
            Job first;
            try {
                first = queue.poll(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null || first.future().isDone()) {
                continue;
            }
            if (first.task() != null) {
                first.task().run();
                continue;
            }
            batch.clear();
            batch.add(first);
            int n = first.size();
            for (Job next = queue.peek(); next != null && next.task() == null && n + next.size() <= maxBatch;
                 next = queue.peek()) {
                batch.add(queue.poll());
                n += next.size();
            }
            batch.removeIf(j -> j.future().isDone());
            if (!batch.isEmpty()) {
                run(batch);
            }
        }
        for (Job j; (j = queue.poll()) != null; ) {
            j.future().completeExceptionally(new QueueFullException("the server is shutting down"));
        }
    }

    private void run(List<Job> jobs) {
        List<TextInput> all = new ArrayList<>();
        for (Job j : jobs) {
            all.addAll(j.inputs());
        }
        float[][] logits;
        try {
            logits = call(all);
        } catch (Throwable t) {
            if (jobs.size() == 1) {
                jobs.getFirst().result().completeExceptionally(t);
            } else {
                for (Job j : jobs) {
                    run(List.of(j));
                }
            }
            return;
        }
        int from = 0;
        for (Job j : jobs) {
            int to = from + j.size();
            float[][] rows = new float[to - from][];
            System.arraycopy(logits, from, rows, 0, rows.length);
            j.result().complete(rows);
            from = to;
        }
    }

    private float[][] call(List<TextInput> all) {
        float[][] logits = model.logits(all);
        if (logits == null || logits.length != all.size()) {
            throw new IllegalStateException("the model gave " + (logits == null ? "no" : logits.length)
                    + " rows of logits for " + all.size() + " inputs");
        }
        batches.incrementAndGet();
        inputs.addAndGet(all.size());
        largest.accumulateAndGet(all.size(), Math::max);
        return logits;
    }

    /** Stops the thread (after the batch it is running); waiting requests fail. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
