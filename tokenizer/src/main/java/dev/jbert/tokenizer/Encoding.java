package dev.jbert.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One encoded text or text pair, as Hugging Face's {@code BatchEncoding} for one row.
 *
 * @param tokens            the token strings ({@code [PAD]} for padding)
 * @param inputIds          token ids
 * @param tokenTypeIds      0 for {@code [CLS] A [SEP]}, 1 for {@code B [SEP]}, 0 for padding
 *                          (all 0 without special tokens, as the slow tokenizer does)
 * @param attentionMask     1 for real tokens, 0 for padding
 * @param specialTokensMask 1 for the added {@code [CLS]}/{@code [SEP]} and padding; 0 for text tokens,
 *                          special tokens typed in the text included
 * @param offsets           per token {@code [start, end)} in the original string, in UTF-16 indices
 *                          (valid for {@link String#substring(int, int)}); {@code [0, 0]} for added
 *                          special tokens and padding. Pair tokens index into the pair's string.
 * @param overflow          the result is longer than {@code maxLength}: truncation could not cut
 *                          enough ({@code ONLY_FIRST}/{@code ONLY_SECOND} with too short a sequence) or was off
 */
public record Encoding(List<String> tokens, int[] inputIds, int[] tokenTypeIds, int[] attentionMask,
                       int[] specialTokensMask, int[][] offsets, boolean overflow) {

    /** Number of tokens, padding included. */
    public int length() {
        return inputIds.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding other
                && overflow == other.overflow
                && tokens.equals(other.tokens)
                && Arrays.equals(inputIds, other.inputIds)
                && Arrays.equals(tokenTypeIds, other.tokenTypeIds)
                && Arrays.equals(attentionMask, other.attentionMask)
                && Arrays.equals(specialTokensMask, other.specialTokensMask)
                && Arrays.deepEquals(offsets, other.offsets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokens, Arrays.hashCode(inputIds), Arrays.hashCode(tokenTypeIds),
                Arrays.hashCode(attentionMask), Arrays.hashCode(specialTokensMask), Arrays.deepHashCode(offsets), overflow);
    }

    @Override
    public String toString() {
        return "Encoding[tokens=" + tokens + ", inputIds=" + Arrays.toString(inputIds)
                + ", tokenTypeIds=" + Arrays.toString(tokenTypeIds)
                + ", attentionMask=" + Arrays.toString(attentionMask)
                + ", specialTokensMask=" + Arrays.toString(specialTokensMask)
                + ", offsets=" + Arrays.deepToString(offsets) + ", overflow=" + overflow + "]";
    }
}
