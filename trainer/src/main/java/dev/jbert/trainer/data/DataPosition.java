package dev.jbert.trainer.data;

/**
 * Where a pass over the training data stands: the next batch to read is batch {@code batch}
 * (0-based) of epoch {@code epoch} (0-based). Saved with a checkpoint; training resumes with
 * {@link Batcher#iterator(DataPosition)}, which gives exactly the batches that were still to come,
 * since an epoch's order depends only on (seed, epoch).
 */
public record DataPosition(int epoch, int batch) {

    public DataPosition {
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("data position: epoch and batch must be non-negative, got epoch "
                    + epoch + ", batch " + batch);
        }
    }

    /** The start of training. */
    public static DataPosition start() {
        return new DataPosition(0, 0);
    }

    /** The position after this one's batch, in epochs of {@code batchesPerEpoch} batches. */
    public DataPosition next(int batchesPerEpoch) {
        return batch + 1 >= batchesPerEpoch ? new DataPosition(epoch + 1, 0) : new DataPosition(epoch, batch + 1);
    }

    @Override
    public String toString() {
        return "epoch " + epoch + ", batch " + batch;
    }
}
