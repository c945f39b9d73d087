package dev.jbert.trainer.data;

/**
 * One good row as read, before labelling and tokenization.
 *
 * @param line          the physical line (1-based) where the row starts in its file
 * @param text          the text, or null in a pre-tokenized file
 * @param pair          the second text of a pair, or null
 * @param label         the label as written, or null when the file has no labels
 * @param inputIds      pre-tokenized ids, or null
 * @param tokenTypeIds  pre-tokenized token types, or null (all 0)
 * @param attentionMask pre-tokenized mask, or null (all 1)
 */
record RawRow(long line, String text, String pair, RawLabel label, int[] inputIds, int[] tokenTypeIds,
              int[] attentionMask) {

    static RawRow text(long line, String text, String pair, RawLabel label) {
        return new RawRow(line, text, pair, label, null, null, null);
    }
}
