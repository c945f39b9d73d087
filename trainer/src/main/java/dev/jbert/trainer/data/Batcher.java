package dev.jbert.trainer.data;

import dev.jbert.engine.nn.ModelInput;
import java.util.Arrays;

/**
 * Cuts a tokenized {@link DataSet} into batches, epoch after epoch. Each batch is padded to its own
 * longest row (dynamic padding, as Hugging Face's {@code DataCollatorWithPadding}): ids with the
 * tokenizer's pad id, token types with 0, attention mask 0 on padding and 1 elsewhere (or a
 * pre-tokenized row's own mask). An epoch's order comes from {@link EpochOrder}, so any batch of any
 * epoch can be rebuilt from (seed, epoch, index), and training resumes at a {@link DataPosition}
 * with exactly the batches still to come. Immutable; safe to share between threads.
 */
public final class Batcher {
    private final DataSet data;
    private final BatchOptions options;
    private final int[] lengths;

    public Batcher(DataSet data, BatchOptions options) {
        if (!data.encoded()) {
            throw new IllegalArgumentException(data.source() + ": tokenize the data (DataSetEncoder) before batching");
        }
        this.data = data;
        this.options = options;
        this.lengths = new int[data.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = data.length(i);
        }
        if (batchesPerEpoch() == 0) {
            throw new dev.jbert.cli.UserException(data.source() + ": " + data.size() + " rows make no full batch of "
                    + options.batchSize() + " (the last, smaller batch is dropped)");
        }
    }

    public DataSet data() {
        return data;
    }

    public BatchOptions options() {
        return options;
    }

    /** Batches in one epoch: {@code ceil(n / B)}, or {@code floor(n / B)} when dropping the last. */
    public int batchesPerEpoch() {
        int n = data.size();
        int b = options.batchSize();
        return options.dropLast() ? n / b : (n + b - 1) / b;
    }

    /** The rows in the order epoch {@code epoch} visits them. */
    public int[] order(int epoch) {
        return EpochOrder.of(lengths, options, epoch);
    }

    /** The position reached after {@code batchesDone} batches from the start of training. */
    public DataPosition positionAfter(long batchesDone) {
        int per = batchesPerEpoch();
        return new DataPosition(Math.toIntExact(batchesDone / per), (int) (batchesDone % per));
    }

    /** The batches of one epoch, from its first. */
    public BatchIterator epoch(int epoch) {
        return iterator(new DataPosition(epoch, 0));
    }

    /** The rest of the epoch from this position (a batch index at or past the end gives nothing). */
    public BatchIterator iterator(DataPosition from) {
        return new BatchIterator(this, order(from.epoch()), from);
    }

    /** Batch {@code index} of epoch {@code epoch}, on its own (the epoch's order is recomputed). */
    public Batch batch(int epoch, int index) {
        return batch(order(epoch), new DataPosition(epoch, index));
    }

    Batch batch(int[] order, DataPosition position) {
        int b = options.batchSize();
        int from = position.batch() * b;
        if (position.batch() >= batchesPerEpoch()) {
            throw new IndexOutOfBoundsException("batch " + position.batch() + " of an epoch of " + batchesPerEpoch());
        }
        int[] rows = Arrays.copyOfRange(order, from, Math.min(order.length, from + b));
        return new Batch(position, rows, collate(rows), data.labelsOf(rows));
    }

    /** The padded model input for these rows. */
    ModelInput collate(int[] rows) {
        int batch = rows.length;
        int t = 0;
        for (int r : rows) {
            t = Math.max(t, lengths[r]);
        }
        int[] ids = new int[batch * t];
        int[] types = new int[batch * t];
        float[] mask = new float[batch * t];
        Arrays.fill(ids, data.padId());
        for (int i = 0; i < batch; i++) {
            int r = rows[i];
            int[] rowIds = data.inputIds(r);
            System.arraycopy(rowIds, 0, ids, i * t, rowIds.length);
            int[] rowTypes = data.tokenTypeIds(r);
            if (rowTypes != null) {
                System.arraycopy(rowTypes, 0, types, i * t, rowTypes.length);
            }
            int[] rowMask = data.attentionMask(r);
            for (int j = 0; j < rowIds.length; j++) {
                mask[i * t + j] = rowMask == null ? 1f : rowMask[j];
            }
        }
        return new ModelInput(batch, t, ids, types, mask);
    }
}
