package dev.jbert.tokenizer;

import java.util.Locale;
import java.util.Objects;

/**
 * How {@link BertTokenizer#encode} and {@link BertTokenizer#encodeBatch} shape their result, as the
 * arguments of Hugging Face's {@code tokenizer(text, text_pair, max_length=..., truncation=...,
 * padding=..., add_special_tokens=...)}.
 *
 * <p>Unlike HF, no {@code maxLength} (0) means no limit at all: HF would fall back to
 * {@code model_max_length} when truncation or max-length padding is asked for without one; pass
 * {@link BertTokenizer#modelMaxLength()} explicitly for that.
 *
 * @param maxLength         the length to truncate to and to pad to with {@link Padding#MAX_LENGTH};
 *                          0 = none (then truncation and {@code MAX_LENGTH} padding do nothing)
 * @param truncation        what to cut when the result is longer than {@code maxLength}
 * @param padding           what to pad to
 * @param addSpecialTokens  {@code [CLS] A [SEP]} / {@code [CLS] A [SEP] B [SEP]}
 */
public record EncodeOptions(int maxLength, Truncation truncation, Padding padding, boolean addSpecialTokens) {

    /** HF's {@code TruncationStrategy}, as the slow tokenizer applies it. */
    public enum Truncation {
        /** Remove one token at a time from the longer sequence; on a tie, from the second. */
        LONGEST_FIRST,
        /** Remove from the first sequence only; if it is too short for that, nothing is removed. */
        ONLY_FIRST,
        /**
         * Remove from the second sequence only; if it is too short for that (or there is no second
         * sequence), nothing is removed: the result is returned untruncated, unpadded, with
         * {@link Encoding#overflow()} set. This is what the slow tokenizer does (it logs an error);
         * the fast one raises instead.
         */
        ONLY_SECOND,
        /** {@code do_not_truncate}. */
        NONE;

        /** Parses HF's spelling ({@code longest_first}, {@code only_first}, {@code only_second}, {@code none}/{@code do_not_truncate}). */
        public static Truncation parse(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            return switch (n) {
                case "longest_first" -> LONGEST_FIRST;
                case "only_first" -> ONLY_FIRST;
                case "only_second" -> ONLY_SECOND;
                case "none", "do_not_truncate" -> NONE;
                default -> throw new IllegalArgumentException("truncation: expected longest_first, only_first, "
                        + "only_second or none, found '" + name + "'");
            };
        }
    }

    /** HF's {@code PaddingStrategy}. Padding is on the right, with the pad id, type 0, mask 0. */
    public enum Padding {
        /** No padding. */
        NONE,
        /** Pad to the longest encoding of the batch (a single encoding is left as it is). */
        LONGEST,
        /** Pad to {@code maxLength} (longer encodings are left as they are). */
        MAX_LENGTH;

        /** Parses HF's spelling ({@code none}/{@code do_not_pad}, {@code longest}, {@code max_length}). */
        public static Padding parse(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            return switch (n) {
                case "none", "do_not_pad" -> NONE;
                case "longest" -> LONGEST;
                case "max_length" -> MAX_LENGTH;
                default -> throw new IllegalArgumentException("padding: expected none, longest or max_length, found '"
                        + name + "'");
            };
        }
    }

    public EncodeOptions {
        Objects.requireNonNull(truncation, "truncation");
        Objects.requireNonNull(padding, "padding");
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must be 0 (none) or positive, got " + maxLength);
        }
    }

    /** No limit, no padding, special tokens added: {@code tokenizer(text)}. */
    public static EncodeOptions defaults() {
        return new EncodeOptions(0, Truncation.LONGEST_FIRST, Padding.NONE, true);
    }

    /** {@code tokenizer(text, max_length=n, truncation=True)}: longest-first truncation, no padding. */
    public static EncodeOptions maxLength(int n) {
        return new EncodeOptions(n, Truncation.LONGEST_FIRST, Padding.NONE, true);
    }

    public EncodeOptions withMaxLength(int n) {
        return new EncodeOptions(n, truncation, padding, addSpecialTokens);
    }

    public EncodeOptions withTruncation(Truncation t) {
        return new EncodeOptions(maxLength, t, padding, addSpecialTokens);
    }

    public EncodeOptions withPadding(Padding p) {
        return new EncodeOptions(maxLength, truncation, p, addSpecialTokens);
    }

    public EncodeOptions withAddSpecialTokens(boolean add) {
        return new EncodeOptions(maxLength, truncation, padding, add);
    }
}
