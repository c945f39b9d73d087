package dev.jbert.tokenizer;

import java.util.Arrays;
import java.util.Collections;

/**
 * Token lists to an {@link Encoding}: truncation, special tokens, padding, exactly as the slow
 * tokenizer's {@code prepare_for_model} / {@code truncate_sequences} / {@code _pad}.
 */
final class EncodingAssembler {
    private static final int[] NO_OFFSET = {0, 0};

    private final Vocabulary vocab;
    private final int clsId;
    private final int sepId;
    private final int padId;

    EncodingAssembler(Vocabulary vocab, int clsId, int sepId, int padId) {
        this.vocab = vocab;
        this.clsId = clsId;
        this.sepId = sepId;
        this.padId = padId;
    }

    /** {@code first} and {@code second} (null: no pair) as one encoding. */
    Encoding assemble(TokenList first, TokenList second, EncodeOptions options) {
        boolean pair = second != null;
        boolean special = options.addSpecialTokens();
        int lenA = first.size;
        int lenB = pair ? second.size : 0;
        int added = special ? (pair ? 3 : 2) : 0;
        int maxLength = options.maxLength();
        int total = lenA + lenB + added;
        if (options.truncation() != EncodeOptions.Truncation.NONE && maxLength > 0 && total > maxLength) {
            int remove = total - maxLength;
            switch (options.truncation()) {
                case ONLY_FIRST -> lenA = lenA > remove ? lenA - remove : lenA;
                case ONLY_SECOND -> {
                    if (pair && lenB > remove) {
                        lenB -= remove;
                    }
                }
                case LONGEST_FIRST -> {
                    if (!pair) {
                        lenA = lenA > remove ? lenA - remove : lenA;
                    } else {
                        // one token at a time from the longer; a tie takes it from the second
                        for (int r = 0; r < remove; r++) {
                            if (lenA > lenB) {
                                lenA--;
                            } else if (lenB > 0) {
                                lenB--;
                            }
                        }
                    }
                }
                case NONE -> throw new AssertionError();
            }
        }
        int length = lenA + lenB + added;
        boolean overflow = maxLength > 0 && length > maxLength;
        // HF's pad() returns early for an empty sequence (no special tokens, empty text): no padding
        int padded = options.padding() == EncodeOptions.Padding.MAX_LENGTH && maxLength > length && length > 0
                ? maxLength : length;

        String[] tokens = new String[padded];
        int[] ids = new int[padded];
        int[] types = new int[padded];
        int[] mask = new int[padded];
        int[] specialMask = new int[padded];
        int[][] offsets = new int[padded][];
        int at = 0;
        if (special) {
            at = put(tokens, ids, offsets, specialMask, at, clsId);
        }
        at = copy(first, lenA, tokens, ids, offsets, at);
        if (special) {
            at = put(tokens, ids, offsets, specialMask, at, sepId);
        }
        if (pair) {
            int typeFrom = at;
            at = copy(second, lenB, tokens, ids, offsets, at);
            if (special) {
                at = put(tokens, ids, offsets, specialMask, at, sepId);
                Arrays.fill(types, typeFrom, at, 1);
            }
        }
        Arrays.fill(mask, 0, at, 1);
        for (; at < padded; at++) {
            put(tokens, ids, offsets, specialMask, at, padId);
        }
        return new Encoding(Collections.unmodifiableList(Arrays.asList(tokens)), ids, types, mask, specialMask,
                offsets, overflow);
    }

    private int put(String[] tokens, int[] ids, int[][] offsets, int[] specialMask, int at, int id) {
        tokens[at] = vocab.token(id);
        ids[at] = id;
        offsets[at] = NO_OFFSET.clone();
        specialMask[at] = 1;
        return at + 1;
    }

    private int copy(TokenList list, int count, String[] tokens, int[] ids, int[][] offsets, int at) {
        System.arraycopy(list.ids, 0, ids, at, count);
        for (int i = 0; i < count; i++) {
            tokens[at + i] = list.token(i, vocab);
            offsets[at + i] = new int[] {list.starts[i], list.ends[i]};
        }
        return at + count;
    }

    /** {@code e} padded on the right to {@code length} (unchanged when already that long). */
    Encoding pad(Encoding e, int length) {
        int n = e.length();
        if (n >= length) {
            return e;
        }
        String[] tokens = e.tokens().toArray(new String[length]);
        int[] ids = Arrays.copyOf(e.inputIds(), length);
        int[] types = Arrays.copyOf(e.tokenTypeIds(), length);
        int[] mask = Arrays.copyOf(e.attentionMask(), length);
        int[] specialMask = Arrays.copyOf(e.specialTokensMask(), length);
        int[][] offsets = Arrays.copyOf(e.offsets(), length);
        for (int at = n; at < length; at++) {
            put(tokens, ids, offsets, specialMask, at, padId);
        }
        return new Encoding(Collections.unmodifiableList(Arrays.asList(tokens)), ids, types, mask, specialMask,
                offsets, e.overflow());
    }
}
