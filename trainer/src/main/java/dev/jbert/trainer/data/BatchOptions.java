package dev.jbert.trainer.data;

/**
 * How a {@link Batcher} cuts a data set into batches.
 *
 * @param batchSize     rows per batch (the last batch of an epoch may have fewer unless {@code dropLast})
 * @param seed          the seed of the per-epoch shuffles
 * @param shuffle       a new random order each epoch (training); false keeps file order (evaluation,
 *                      prediction, or {@code --no-shuffle})
 * @param groupByLength Hugging Face's {@code group_by_length}: rows of similar length batched together
 *                      to waste little padding (see {@link EpochOrder}); only with {@code shuffle}
 * @param dropLast      Hugging Face's {@code dataloader_drop_last}: leave out a last, smaller batch
 */
public record BatchOptions(int batchSize, long seed, boolean shuffle, boolean groupByLength, boolean dropLast) {

    public BatchOptions {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
    }

    /** Shuffled each epoch, no length grouping, last batch kept. */
    public static BatchOptions training(int batchSize, long seed) {
        return new BatchOptions(batchSize, seed, true, false, false);
    }

    /** File order, every row once. */
    public static BatchOptions evaluation(int batchSize) {
        return new BatchOptions(batchSize, 0, false, false, false);
    }

    public BatchOptions withShuffle(boolean s) {
        return new BatchOptions(batchSize, seed, s, groupByLength, dropLast);
    }

    public BatchOptions withGroupByLength(boolean g) {
        return new BatchOptions(batchSize, seed, shuffle, g, dropLast);
    }

    public BatchOptions withDropLast(boolean d) {
        return new BatchOptions(batchSize, seed, shuffle, groupByLength, d);
    }

    public BatchOptions withSeed(long s) {
        return new BatchOptions(batchSize, s, shuffle, groupByLength, dropLast);
    }
}
