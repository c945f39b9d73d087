package dev.jbert.tokenizer;

import java.util.Arrays;
import java.util.List;

/** Per-thread scratch: the current word (chars and their origins), a second buffer, two token lists. */
final class Workspace {
    private static final int INITIAL = 256;
    private static final int RETAINED = 1 << 16;

    TokenList first = new TokenList(INITIAL);
    TokenList second = new TokenList(INITIAL);
    final int[] hashes;
    final int[] cps = new int[2];
    TokenList out;
    List<String> words;

    char[] word = new char[INITIAL];
    int[] wordStart = new int[INITIAL];
    int[] wordEnd = new int[INITIAL];
    int wordLength;
    boolean wordNonAscii;

    char[] tmp = new char[INITIAL];
    int[] tmpStart = new int[INITIAL];
    int[] tmpEnd = new int[INITIAL];
    int tmpLength;

    Workspace(int hashes) {
        this.hashes = new int[hashes];
    }

    void append(char c, int start, int end) {
        if (wordLength == word.length) {
            growWord();
        }
        word[wordLength] = c;
        wordStart[wordLength] = start;
        wordEnd[wordLength] = end;
        wordLength++;
    }

    void appendCodePoint(int cp, int start, int end) {
        if (cp < 0x10000) {
            append((char) cp, start, end);
            if (cp >= 0x80) {
                wordNonAscii = true;
            }
        } else {
            append(Character.highSurrogate(cp), start, end);
            append(Character.lowSurrogate(cp), start, end);
            wordNonAscii = true;
        }
    }

    private void growWord() {
        int capacity = word.length * 2;
        word = Arrays.copyOf(word, capacity);
        wordStart = Arrays.copyOf(wordStart, capacity);
        wordEnd = Arrays.copyOf(wordEnd, capacity);
    }

    void appendTmp(char c, int start, int end) {
        if (tmpLength == tmp.length) {
            int capacity = tmp.length * 2;
            tmp = Arrays.copyOf(tmp, capacity);
            tmpStart = Arrays.copyOf(tmpStart, capacity);
            tmpEnd = Arrays.copyOf(tmpEnd, capacity);
        }
        tmp[tmpLength] = c;
        tmpStart[tmpLength] = start;
        tmpEnd[tmpLength] = end;
        tmpLength++;
    }

    void appendTmpCodePoint(int cp, int start, int end) {
        if (cp < 0x10000) {
            appendTmp((char) cp, start, end);
        } else {
            appendTmp(Character.highSurrogate(cp), start, end);
            appendTmp(Character.lowSurrogate(cp), start, end);
        }
    }

    /** The second buffer becomes the word. */
    void swap() {
        char[] c = word;
        word = tmp;
        tmp = c;
        int[] s = wordStart;
        wordStart = tmpStart;
        tmpStart = s;
        int[] e = wordEnd;
        wordEnd = tmpEnd;
        tmpEnd = e;
        wordLength = tmpLength;
        tmpLength = 0;
    }

    /** Lets go of buffers a huge input made huge. */
    void trim() {
        if (first.capacity() > RETAINED) {
            first = new TokenList(INITIAL);
        }
        if (second.capacity() > RETAINED) {
            second = new TokenList(INITIAL);
        }
        if (word.length > RETAINED || tmp.length > RETAINED) {
            word = new char[INITIAL];
            wordStart = new int[INITIAL];
            wordEnd = new int[INITIAL];
            tmp = new char[INITIAL];
            tmpStart = new int[INITIAL];
            tmpEnd = new int[INITIAL];
        }
    }
}
