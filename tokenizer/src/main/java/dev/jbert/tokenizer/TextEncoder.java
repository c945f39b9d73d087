package dev.jbert.tokenizer;

import java.nio.CharBuffer;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Text to WordPiece ids with offsets: Hugging Face's slow {@code BertTokenizer.tokenize} in one
 * pass over the string, keeping for every normalised char the range of the original it came from.
 *
 * <p>The steps, in the reference's order (each one is a rule of the golden README):
 * <ol>
 * <li>Special tokens ({@code [CLS]}, {@code [SEP]}, {@code [MASK]}, {@code [PAD]}, {@code [UNK]}, the
 *     additional ones) are cut out first, even inside a word; the longest one starting at a position
 *     wins. Case-sensitive, except that when lower-casing, a special token that is its own lower case
 *     (such as {@code <s>}) also matches text that lower-cases to it, as HF finds it after lower-casing.</li>
 * <li>Lower-casing (uncased only) one code point at a time ({@code Σ} → {@code σ}, {@code İ} → {@code i}+U+0307).</li>
 * <li>Cleaning: NUL, U+FFFD and C* dropped (unpaired surrogates too: they are {@code Cs}); whitespace splits.</li>
 * <li>CJK ideographs become words of their own.</li>
 * <li>Per word: NFC (skipped when the word is certainly NFC already), a word equal to a special token
 *     or a {@code never_split} entry kept whole, lower-case again and NFD with {@code Mn} dropped (when
 *     accents are stripped), the never-split check once more, then punctuation split; a piece equal to
 *     a {@code never_split} entry skips WordPiece (its own text, with the [UNK] id if not in the vocabulary).</li>
 * <li>WordPiece: greedy longest match, {@code ##} continuation, [UNK] for a word of more than
 *     {@code maxInputCharsPerWord} code points or with an unmatchable piece.</li>
 * </ol>
 * A word of pure ASCII takes a fast path: no normaliser is called and each char maps to itself.
 * Everything is linear in the length of the text; no regular expression, no recursion.
 *
 * <p>Offsets: a normalised char points back at the code point it came from; chars produced by NFC
 * from several code points (a base and its marks) point at all of them together.
 */
final class TextEncoder {
    private static final int SPECIAL_START = 128;

    private final Vocabulary vocab;
    private final boolean lowercase;
    private final boolean stripAccents;
    private final boolean chinese;
    private final int unkId;
    private final int maxChars;
    private final int maxWhole;
    private final int maxContinuation;
    /** Special tokens cut out of the text, longest first. */
    private final String[] specials;
    private final int[] specialIds;
    private final boolean[] specialCaseFolded;
    private final String nonAsciiSpecialStarts;
    /** Words kept whole: the special tokens and {@code never_split}. */
    private final String[] neverSplit;
    private final int[] neverSplitIds;
    /** {@code never_split} alone: a piece after punctuation splitting equal to one is kept verbatim, without WordPiece. */
    private final String[] configNeverSplit;
    private final int[] asciiFlags = new int[128];

    private final ThreadLocal<Workspace> workspaces;

    TextEncoder(Vocabulary vocab, TokenizerOptions options, List<String> specialTokens, int unkId) {
        this.vocab = vocab;
        this.lowercase = options.lowercase();
        this.stripAccents = options.stripsAccents();
        this.chinese = options.tokenizeChineseChars();
        this.unkId = unkId;
        this.maxChars = options.maxInputCharsPerWord();
        this.maxWhole = Math.max(1, vocab.maxWholeLength());
        this.maxContinuation = Math.max(1, vocab.maxContinuationLength());

        List<String> sorted = new ArrayList<>(specialTokens.stream().filter(s -> !s.isEmpty()).distinct().toList());
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        specials = sorted.toArray(String[]::new);
        specialIds = new int[specials.length];
        specialCaseFolded = new boolean[specials.length];
        StringBuilder nonAscii = new StringBuilder();
        for (int i = 0; i < 128; i++) {
            int f = CharacterClasses.of(i);
            // flag 0 means "an ordinary word char": letters and digits
            asciiFlags[i] = f & (CharacterClasses.DROP | CharacterClasses.SPACE | CharacterClasses.PUNCT);
        }
        for (int k = 0; k < specials.length; k++) {
            String s = specials[k];
            specialIds[k] = vocab.id(s);
            specialCaseFolded[k] = lowercase && lowerCase(s).equals(s);
            markSpecialStart(s.charAt(0), nonAscii);
            if (specialCaseFolded[k]) {
                char c = s.charAt(0);
                // an upper-case char that lower-cases to the first char of the special token
                for (int u = 0; u < 0x10000; u++) {
                    if (u != c && Character.toLowerCase((char) u) == c) {
                        markSpecialStart((char) u, nonAscii);
                    }
                }
            }
        }
        nonAsciiSpecialStarts = nonAscii.toString();

        List<String> keep = new ArrayList<>(specialTokens);
        keep.addAll(options.neverSplit());
        neverSplit = keep.stream().filter(s -> !s.isEmpty()).distinct().toArray(String[]::new);
        neverSplitIds = new int[neverSplit.length];
        for (int k = 0; k < neverSplit.length; k++) {
            int id = vocab.id(neverSplit[k]);
            neverSplitIds[k] = id >= 0 ? id : unkId;
        }
        configNeverSplit = options.neverSplit().stream().filter(w -> !w.isEmpty()).distinct().toArray(String[]::new);
        int hashes = Math.max(maxWhole, maxContinuation) + 1;
        workspaces = ThreadLocal.withInitial(() -> new Workspace(hashes));
    }

    private void markSpecialStart(char c, StringBuilder nonAscii) {
        if (c < 128) {
            asciiFlags[c] |= SPECIAL_START;
        } else if (nonAscii.indexOf(String.valueOf(c)) < 0) {
            nonAscii.append(c);
        }
    }

    /** Python's per-character {@code str.lower} of a whole string. */
    static String lowerCase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int[] cps = new int[2];
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = CharacterClasses.lower(cp, cps);
            for (int j = 0; j < n; j++) {
                out.appendCodePoint(cps[j]);
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** This thread's scratch space; its token lists are reused by the next call on this thread. */
    Workspace workspace() {
        return workspaces.get();
    }

    /** Tokenizes {@code text}, appending ids and offsets to {@code out}; the caller calls {@code ws.trim()} when done. */
    void encode(String text, TokenList out, Workspace ws) {
        ws.out = out;
        ws.words = null;
        run(text, ws);
    }

    /** The words of BERT's basic tokenizer (before WordPiece), special tokens included. */
    List<String> basicTokenize(String text) {
        Workspace ws = workspaces.get();
        List<String> words = new ArrayList<>();
        ws.out = null;
        ws.words = words;
        try {
            run(text, ws);
        } finally {
            ws.words = null;
            ws.trim();
        }
        return words;
    }

    private void run(String text, Workspace ws) {
        ws.wordLength = 0;
        ws.wordNonAscii = false;
        final int n = text.length();
        final int[] flags = asciiFlags;
        final boolean lower = lowercase;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c < 0x80) {
                int f = flags[c];
                if (f == 0) {
                    ws.append(lower && c >= 'A' && c <= 'Z' ? (char) (c + 32) : c, i, i + 1);
                    i++;
                    continue;
                }
                if ((f & SPECIAL_START) != 0) {
                    int k = matchSpecial(text, i);
                    if (k >= 0) {
                        flushWord(ws);
                        emitSpecial(ws, k, i);
                        i += specials[k].length();
                        continue;
                    }
                }
                if ((f & CharacterClasses.SPACE) != 0) {
                    flushWord(ws);
                } else if ((f & CharacterClasses.DROP) == 0) {
                    ws.append(lower && c >= 'A' && c <= 'Z' ? (char) (c + 32) : c, i, i + 1);
                }
                i++;
                continue;
            }
            int cp = c;
            int length = 1;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(i + 1));
                length = 2;
            }
            if (!nonAsciiSpecialStarts.isEmpty() && nonAsciiSpecialStarts.indexOf(c) >= 0) {
                int k = matchSpecial(text, i);
                if (k >= 0) {
                    flushWord(ws);
                    emitSpecial(ws, k, i);
                    i += specials[k].length();
                    continue;
                }
            }
            if (lower) {
                if (cp == 0x130) {
                    addCodePoint(ws, 'i', i, i + length);
                    addCodePoint(ws, 0x307, i, i + length);
                } else {
                    addCodePoint(ws, Character.toLowerCase(cp), i, i + length);
                }
            } else {
                addCodePoint(ws, cp, i, i + length);
            }
            i += length;
        }
        flushWord(ws);
    }

    private int matchSpecial(String text, int at) {
        for (int k = 0; k < specials.length; k++) {
            String s = specials[k];
            if (specialCaseFolded[k] ? matchesLowered(text, at, s) : text.startsWith(s, at)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean matchesLowered(String text, int at, String s) {
        if (at + s.length() > text.length()) {
            return false;
        }
        for (int j = 0; j < s.length(); j++) {
            if (Character.toLowerCase(text.charAt(at + j)) != s.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private void emitSpecial(Workspace ws, int k, int at) {
        if (ws.words != null) {
            ws.words.add(specials[k]);
        } else {
            ws.out.add(specialIds[k], at, at + specials[k].length());
        }
    }

    /** One code point after lower-casing: cleaning, whitespace and CJK decide where it goes. */
    private void addCodePoint(Workspace ws, int cp, int start, int end) {
        int f = CharacterClasses.of(cp);
        if ((f & (CharacterClasses.DROP | CharacterClasses.SPACE | CharacterClasses.CJK)) == 0) {
            ws.appendCodePoint(cp, start, end);
            return;
        }
        if ((f & CharacterClasses.DROP) != 0) {
            return;
        }
        if ((f & CharacterClasses.SPACE) != 0) {
            flushWord(ws);
            return;
        }
        if (!chinese) {
            ws.appendCodePoint(cp, start, end);
            return;
        }
        flushWord(ws);
        ws.appendCodePoint(cp, start, end);
        flushWord(ws);
    }

    private void flushWord(Workspace ws) {
        if (ws.wordLength == 0) {
            return;
        }
        if (ws.wordNonAscii) {
            processComplexWord(ws);
        } else {
            processAsciiWord(ws);
        }
        ws.wordLength = 0;
        ws.wordNonAscii = false;
    }

    private void processAsciiWord(Workspace ws) {
        char[] w = ws.word;
        int n = ws.wordLength;
        if (keptWhole(ws, w, n)) {
            return;
        }
        int[] flags = asciiFlags;
        int pieceStart = 0;
        for (int k = 0; k < n; k++) {
            if ((flags[w[k]] & CharacterClasses.PUNCT) != 0) {
                if (k > pieceStart) {
                    piece(ws, pieceStart, k);
                }
                piece(ws, k, k + 1);
                pieceStart = k + 1;
            }
        }
        if (pieceStart < n) {
            piece(ws, pieceStart, n);
        }
    }

    private void processComplexWord(Workspace ws) {
        int n = ws.wordLength;
        char[] w = ws.word;
        boolean changed = false;
        for (int k = 0; k < n; k++) {
            char c = w[k];
            if (c >= 0x300 && (Character.isSurrogate(c) || (CharacterClasses.of(c) & CharacterClasses.COMBINING) != 0
                    || !CharacterClasses.nfcAlone(c))) {
                String word = new String(w, 0, n);
                if (!Normalizer.isNormalized(word, Normalizer.Form.NFC)) {
                    WordNormalizer.nfc(ws, word);
                    changed = true;
                }
                break;
            }
        }
        if (keptWhole(ws, ws.word, ws.wordLength)) {
            return;
        }
        if (lowercase && changed) {
            WordNormalizer.lowerAgain(ws);
        }
        if (stripAccents) {
            WordNormalizer.stripAccents(ws);
        }
        // HF checks never_split again after lower-casing and stripping (in _run_split_on_punc)
        if ((lowercase || stripAccents) && keptWhole(ws, ws.word, ws.wordLength)) {
            return;
        }
        w = ws.word;
        n = ws.wordLength;
        int pieceStart = 0;
        for (int k = 0; k < n; ) {
            int cp = Character.codePointAt(w, k, n);
            int len = Character.charCount(cp);
            if ((CharacterClasses.of(cp) & CharacterClasses.PUNCT) != 0) {
                if (k > pieceStart) {
                    piece(ws, pieceStart, k);
                }
                piece(ws, k, k + len);
                pieceStart = k + len;
            }
            k += len;
        }
        if (pieceStart < n) {
            piece(ws, pieceStart, n);
        }
    }

    /** A word equal to a special token or a {@code never_split} entry: one token, not lower-cased, not split. */
    private boolean keptWhole(Workspace ws, char[] w, int n) {
        for (int k = 0; k < neverSplit.length; k++) {
            String s = neverSplit[k];
            if (s.length() == n && s.charAt(0) == w[0] && s.contentEquals(CharBuffer.wrap(w, 0, n))) {
                if (ws.words != null) {
                    ws.words.add(s);
                } else if (neverSplitIds[k] == unkId && !s.equals(vocab.token(unkId))) {
                    ws.out.add(unkId, ws.wordStart[0], ws.wordEnd[n - 1], s);
                } else {
                    ws.out.add(neverSplitIds[k], ws.wordStart[0], ws.wordEnd[n - 1]);
                }
                return true;
            }
        }
        return false;
    }

    /** One word after punctuation splitting: collected as a word, or WordPiece'd into {@code ws.out}. */
    private void piece(Workspace ws, int from, int to) {
        if (ws.words != null) {
            ws.words.add(new String(ws.word, from, to - from));
            return;
        }
        for (String keep : configNeverSplit) {
            // BertTokenizer._tokenize: a basic token in never_split skips WordPiece
            if (keep.length() == to - from && keep.contentEquals(CharBuffer.wrap(ws.word, from, to - from))) {
                int id = vocab.id(keep);
                if (id >= 0) {
                    ws.out.add(id, ws.wordStart[from], ws.wordEnd[to - 1]);
                } else {
                    ws.out.add(unkId, ws.wordStart[from], ws.wordEnd[to - 1], keep);
                }
                return;
            }
        }
        wordPiece(ws, from, to);
    }

    private void wordPiece(Workspace ws, int from, int to) {
        char[] buf = ws.word;
        int[] s = ws.wordStart;
        int[] e = ws.wordEnd;
        TokenList out = ws.out;
        if (to - from > maxChars && Character.codePointCount(buf, from, to - from) > maxChars) {
            out.add(unkId, s[from], e[to - 1]);
            return;
        }
        int mark = out.size;
        int[] hashes = ws.hashes;
        int start = from;
        while (start < to) {
            boolean first = start == from;
            int maxEnd = Math.min(to, start + (first ? maxWhole : maxContinuation));
            int h = 0;
            for (int k = start; k < maxEnd; k++) {
                h = 31 * h + buf[k];
                hashes[k - start] = h;
            }
            int id = -1;
            int end = maxEnd;
            while (end > start) {
                int hash = hashes[end - start - 1];
                id = first ? vocab.findWhole(buf, start, end, hash) : vocab.findContinuation(buf, start, end, hash);
                if (id >= 0) {
                    break;
                }
                end--;
            }
            if (id < 0) {
                out.truncate(mark);
                out.add(unkId, s[from], e[to - 1]);
                return;
            }
            out.add(id, s[start], e[end - 1]);
            start = end;
        }
    }
}
