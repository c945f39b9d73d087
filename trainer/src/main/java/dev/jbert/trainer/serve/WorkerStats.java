package dev.jbert.trainer.serve;

/**
 * What the model worker has done so far.
 *
 * @param batches      model calls
 * @param inputs       inputs run (texts, or pairs)
 * @param largestBatch the most inputs run in one call
 * @param refused      requests refused because the queue was full
 */
public record WorkerStats(long batches, long inputs, int largestBatch, long refused) {
}
