package dev.jbert.tokenizer;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A WordPiece vocabulary: id (line number of {@code vocab.txt}) to token and back.
 *
 * <p>Look-ups from the tokenizer's hot path take a range of a {@code char[]} and its
 * {@link String#hashCode()}-style hash, so no substring is created per probe. Tokens that start
 * with the continuation prefix ({@code ##}) are also indexed by what follows the prefix, so the
 * WordPiece loop never prepends it. Open addressing, linear probing, hashes kept beside the ids.
 *
 * <p>A token listed twice keeps the id of its last line for look-ups (as a Python dict built from
 * the lines does); {@link #token(int)} still returns each line's own text.
 */
public final class Vocabulary {
    private final String[] tokens;      // [V]
    private final char[] pool;          // every token's chars, back to back
    private final int[] poolOffset;     // [V]
    private final int prefixLength;
    private final Table whole;
    private final Table continuation;

    private Vocabulary(String[] tokens, String continuationPrefix) {
        this.tokens = tokens;
        this.prefixLength = continuationPrefix.length();
        int total = 0;
        for (String t : tokens) {
            total += t.length();
        }
        pool = new char[total];
        poolOffset = new int[tokens.length];
        int at = 0;
        int continued = 0;
        for (int id = 0; id < tokens.length; id++) {
            String t = tokens[id];
            poolOffset[id] = at;
            t.getChars(0, t.length(), pool, at);
            at += t.length();
            if (isContinuation(t, continuationPrefix)) {
                continued++;
            }
        }
        whole = new Table(tokens.length);
        continuation = new Table(continued);
        for (int id = 0; id < tokens.length; id++) {
            String t = tokens[id];
            whole.put(id, poolOffset[id], t.length(), pool);
            if (isContinuation(t, continuationPrefix)) {
                continuation.put(id, poolOffset[id] + prefixLength, t.length() - prefixLength, pool);
            }
        }
    }

    private static boolean isContinuation(String token, String prefix) {
        return !prefix.isEmpty() && token.length() > prefix.length() && token.startsWith(prefix);
    }

    /**
     * A vocabulary from its tokens in id order.
     *
     * @param continuationPrefix WordPiece's continuation prefix, usually {@code ##}
     * @throws TokenizerException when the list is empty or holds a null
     */
    public static Vocabulary of(List<String> tokens, String continuationPrefix) {
        if (tokens.isEmpty()) {
            throw new TokenizerException("vocabulary is empty: expected one token per line, found none");
        }
        String[] array = new String[tokens.size()];
        for (int i = 0; i < array.length; i++) {
            String t = tokens.get(i);
            if (t == null) {
                throw new TokenizerException("vocabulary token " + i + " is null");
            }
            array[i] = t;
        }
        return new Vocabulary(array, continuationPrefix);
    }

    /** Number of ids (lines). */
    public int size() {
        return tokens.length;
    }

    /** The token with this id. */
    public String token(int id) {
        return tokens[id];
    }

    /** The id of this token, or -1. */
    public int id(String token) {
        int h = token.hashCode();
        return whole.find(pool, token, h);
    }

    public boolean contains(String token) {
        return id(token) >= 0;
    }

    /** All tokens in id order (unmodifiable). */
    public List<String> tokens() {
        return Collections.unmodifiableList(Arrays.asList(tokens));
    }

    /** Longest token, in chars: no probe needs to be longer. */
    int maxWholeLength() {
        return whole.maxLength;
    }

    /** Longest continuation token without its prefix, in chars. */
    int maxContinuationLength() {
        return continuation.maxLength;
    }

    /** Id of the token {@code buf[from, to)} whose String-style hash is {@code hash}, or -1. */
    int findWhole(char[] buf, int from, int to, int hash) {
        return whole.find(pool, buf, from, to, hash);
    }

    /** Id of the token {@code prefix + buf[from, to)}, {@code hash} being the hash of {@code buf[from, to)}, or -1. */
    int findContinuation(char[] buf, int from, int to, int hash) {
        return continuation.find(pool, buf, from, to, hash);
    }

    /** One open-addressing table of (hash, id, pool offset, length). */
    private static final class Table {
        private final int[] ids;      // id + 1 per slot; 0 = empty
        private final int[] hashes;
        private final int[] offsets;
        private final int[] lengths;
        private final int shift;
        private final int mask;
        int maxLength;

        Table(int entries) {
            int capacity = Integer.highestOneBit(Math.max(4, entries) * 2 - 1) << 1; // >= 2 * entries, power of 2
            ids = new int[capacity];
            hashes = new int[capacity];
            offsets = new int[capacity];
            lengths = new int[capacity];
            mask = capacity - 1;
            shift = 32 - Integer.numberOfTrailingZeros(capacity);
        }

        private int slot(int hash) {
            return (hash * 0x9E3779B9) >>> shift;
        }

        void put(int id, int offset, int length, char[] pool) {
            int h = 0;
            for (int i = 0; i < length; i++) {
                h = 31 * h + pool[offset + i];
            }
            int s = slot(h);
            while (ids[s] != 0) {
                if (hashes[s] == h && lengths[s] == length
                        && Arrays.equals(pool, offsets[s], offsets[s] + length, pool, offset, offset + length)) {
                    ids[s] = id + 1; // a later duplicate wins
                    return;
                }
                s = (s + 1) & mask;
            }
            ids[s] = id + 1;
            hashes[s] = h;
            offsets[s] = offset;
            lengths[s] = length;
            maxLength = Math.max(maxLength, length);
        }

        int find(char[] pool, char[] buf, int from, int to, int hash) {
            int length = to - from;
            int s = slot(hash);
            int id;
            while ((id = ids[s]) != 0) {
                if (hashes[s] == hash && lengths[s] == length
                        && Arrays.equals(pool, offsets[s], offsets[s] + length, buf, from, to)) {
                    return id - 1;
                }
                s = (s + 1) & mask;
            }
            return -1;
        }

        int find(char[] pool, String key, int hash) {
            int length = key.length();
            int s = slot(hash);
            int id;
            while ((id = ids[s]) != 0) {
                if (hashes[s] == hash && lengths[s] == length && matches(pool, offsets[s], key)) {
                    return id - 1;
                }
                s = (s + 1) & mask;
            }
            return -1;
        }

        private static boolean matches(char[] pool, int offset, String key) {
            for (int i = 0; i < key.length(); i++) {
                if (pool[offset + i] != key.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
