package dev.jbert.tokenizer;

import java.nio.CharBuffer;
import java.text.Normalizer;

/**
 * The per-word Unicode steps of BERT's basic tokenizer on a {@link Workspace}'s current word,
 * keeping each char's origin in the original text: NFC, lower-casing again, accent stripping.
 * Each step writes the second buffer and swaps it in.
 */
final class WordNormalizer {
    private WordNormalizer() {
    }

    /**
     * NFC of the word, done chunk by chunk (a chunk: a code point that cannot combine backwards, and
     * the marks after it) so that each output char knows its origin. The concatenation is checked
     * against NFC of the whole word; should they ever differ, the whole word is one chunk.
     */
    static void nfc(Workspace ws, String word) {
        String full = Normalizer.normalize(word, Normalizer.Form.NFC);
        char[] w = ws.word;
        int[] s = ws.wordStart;
        int[] e = ws.wordEnd;
        int n = ws.wordLength;
        ws.tmpLength = 0;
        int chunkStart = 0;
        int k = 0;
        while (k < n) {
            int cp = Character.codePointAt(w, k, n);
            if (k > chunkStart && (CharacterClasses.of(cp) & CharacterClasses.COMBINING) == 0) {
                nfcChunk(ws, chunkStart, k);
                chunkStart = k;
            }
            k += Character.charCount(cp);
        }
        nfcChunk(ws, chunkStart, n);
        if (!full.contentEquals(CharBuffer.wrap(ws.tmp, 0, ws.tmpLength))) {
            ws.tmpLength = 0;
            for (int j = 0; j < full.length(); j++) {
                ws.appendTmp(full.charAt(j), s[0], e[n - 1]);
            }
        }
        ws.swap();
    }

    private static void nfcChunk(Workspace ws, int from, int to) {
        char[] w = ws.word;
        int[] s = ws.wordStart;
        int[] e = ws.wordEnd;
        if (to - from == 1 && w[from] < 0x300) {
            ws.appendTmp(w[from], s[from], e[from]);
            return;
        }
        String chunk = new String(w, from, to - from);
        String norm = Normalizer.normalize(chunk, Normalizer.Form.NFC);
        if (norm.equals(chunk)) {
            for (int j = from; j < to; j++) {
                ws.appendTmp(w[j], s[j], e[j]);
            }
        } else {
            for (int j = 0; j < norm.length(); j++) {
                ws.appendTmp(norm.charAt(j), s[from], e[to - 1]);
            }
        }
    }

    /** {@code word.lower()} once more, after NFC made new characters. */
    static void lowerAgain(Workspace ws) {
        char[] w = ws.word;
        int n = ws.wordLength;
        ws.tmpLength = 0;
        int[] cps = ws.cps;
        for (int k = 0; k < n; ) {
            int cp = Character.codePointAt(w, k, n);
            int len = Character.charCount(cp);
            int m = CharacterClasses.lower(cp, cps);
            for (int j = 0; j < m; j++) {
                ws.appendTmpCodePoint(cps[j], ws.wordStart[k], ws.wordEnd[k + len - 1]);
            }
            k += len;
        }
        ws.swap();
    }

    /** NFD, then every {@code Mn} dropped. */
    static void stripAccents(Workspace ws) {
        char[] w = ws.word;
        int n = ws.wordLength;
        boolean any = false;
        for (int k = 0; k < n; k++) {
            if (w[k] >= 0xC0) {
                any = true;
                break;
            }
        }
        if (!any) {
            return;
        }
        int[] s = ws.wordStart;
        int[] e = ws.wordEnd;
        ws.tmpLength = 0;
        boolean keptMark = false;
        for (int k = 0; k < n; ) {
            int cp = Character.codePointAt(w, k, n);
            int len = Character.charCount(cp);
            if (cp < 0xC0) {
                ws.appendTmp(w[k], s[k], e[k]);
            } else {
                String d = CharacterClasses.stripAccents(cp);
                int start = s[k];
                int end = e[k + len - 1];
                for (int j = 0; j < d.length(); j++) {
                    char dc = d.charAt(j);
                    ws.appendTmp(dc, start, end);
                    if (dc >= 0x300 && !Character.isSurrogate(dc)
                            && (CharacterClasses.of(dc) & CharacterClasses.KEPT_MARK) != 0) {
                        keptMark = true;
                    }
                    if (Character.isHighSurrogate(dc)) {
                        keptMark |= (CharacterClasses.of(d.codePointAt(j)) & CharacterClasses.KEPT_MARK) != 0;
                    }
                }
            }
            k += len;
        }
        if (keptMark) {
            // canonical reordering could move a kept mark: compare with NFD of the whole word
            String whole = CharacterClasses.stripAccents(new String(w, 0, n));
            if (!whole.contentEquals(CharBuffer.wrap(ws.tmp, 0, ws.tmpLength))) {
                ws.tmpLength = 0;
                for (int j = 0; j < whole.length(); j++) {
                    ws.appendTmp(whole.charAt(j), s[0], e[n - 1]);
                }
            }
        }
        ws.swap();
    }
}
