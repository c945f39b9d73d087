package dev.jbert.tokenizer;

import java.util.Arrays;

/**
 * A growable list of tokens: id, the [start, end) UTF-16 range of the original text it came from,
 * and, rarely, a token string other than the vocabulary's (a {@code never_split} word that is not in
 * the vocabulary keeps its own text, with the [UNK] id, as in HF).
 */
final class TokenList {
    int[] ids;
    int[] starts;
    int[] ends;
    /** Token strings that differ from {@code vocab.token(id)}; null until one is needed. */
    String[] texts;
    int size;

    TokenList(int capacity) {
        ids = new int[capacity];
        starts = new int[capacity];
        ends = new int[capacity];
    }

    void add(int id, int start, int end) {
        if (size == ids.length) {
            grow();
        }
        ids[size] = id;
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    /** A token whose string is {@code text}, not the vocabulary's token for {@code id}. */
    void add(int id, int start, int end, String text) {
        if (texts == null) {
            texts = new String[ids.length];
        }
        add(id, start, end);
        texts[size - 1] = text;
    }

    private void grow() {
        int capacity = Math.max(16, size * 2);
        ids = Arrays.copyOf(ids, capacity);
        starts = Arrays.copyOf(starts, capacity);
        ends = Arrays.copyOf(ends, capacity);
        if (texts != null) {
            texts = Arrays.copyOf(texts, capacity);
        }
    }

    /** The token string at {@code i}. */
    String token(int i, Vocabulary vocab) {
        if (texts != null && texts[i] != null) {
            return texts[i];
        }
        return vocab.token(ids[i]);
    }

    void clear() {
        if (texts != null) {
            Arrays.fill(texts, 0, size, null);
        }
        size = 0;
    }

    /** Drops the tokens from {@code newSize} on. */
    void truncate(int newSize) {
        if (texts != null) {
            Arrays.fill(texts, newSize, size, null);
        }
        size = newSize;
    }

    int capacity() {
        return ids.length;
    }
}
