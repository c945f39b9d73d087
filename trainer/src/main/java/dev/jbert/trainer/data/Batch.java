package dev.jbert.trainer.data;

import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.train.Labels;

/**
 * One batch: the model's input, padded to the batch's own longest row, and the labels.
 *
 * @param position where it stands in training (epoch, batch index)
 * @param rows     the data set rows it holds, in batch order (to map predictions back to lines)
 * @param input    {@code [B, T]} ids, token types (0 on padding) and attention mask (0 on padding)
 * @param labels   the rows' labels, or null for unlabelled data
 */
public record Batch(DataPosition position, int[] rows, ModelInput input, Labels labels) {

    /** B: rows in the batch. */
    public int size() {
        return rows.length;
    }

    /** Tokens that are not padding. */
    public int realTokens() {
        int n = 0;
        for (float m : input.attentionMask()) {
            if (m != 0f) {
                n++;
            }
        }
        return n;
    }

    /** Padding tokens: {@code B·T} minus the real ones. */
    public int paddingTokens() {
        return input.batch() * input.seqLen() - realTokens();
    }
}
