package dev.jbert.trainer.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The remaining batches of one epoch. {@link #position()} is where the next batch stands: save it with
 * a checkpoint and resume with {@link Batcher#iterator(DataPosition)}. After the last batch it is
 * the start of the next epoch. Not thread-safe.
 */
public final class BatchIterator implements Iterator<Batch> {
    private final Batcher batcher;
    private final int[] order;
    private final int epoch;
    private final int end;
    private int next;

    BatchIterator(Batcher batcher, int[] order, DataPosition from) {
        this.batcher = batcher;
        this.order = order;
        this.epoch = from.epoch();
        this.end = batcher.batchesPerEpoch();
        this.next = Math.min(from.batch(), end);
    }

    @Override
    public boolean hasNext() {
        return next < end;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has " + end + " batches");
        }
        return batcher.batch(order, new DataPosition(epoch, next++));
    }

    /** The position of the next batch: (epoch, index), or (epoch + 1, 0) once this epoch is done. */
    public DataPosition position() {
        return next >= end ? new DataPosition(epoch + 1, 0) : new DataPosition(epoch, next);
    }

    /** Batches still to come in this epoch. */
    public int remaining() {
        return end - next;
    }
}
