package dev.jbert.tokenizer;

import java.text.Normalizer;

/**
 * What BERT's basic tokenizer asks of each code point, as bit flags, precomputed for the BMP.
 *
 * <p>The rules are those of Hugging Face's {@code BasicTokenizer} (categories from
 * {@link Character#getType(int)}, so from the JDK's Unicode version):
 * <ul>
 * <li>{@link #DROP}: NUL, U+FFFD and every category {@code C*} (Cc, Cf, Cn, Co, Cs) except tab, LF, CR.
 *     An unpaired surrogate is {@code Cs}, so it is dropped like any other control character.</li>
 * <li>{@link #SPACE}: space, tab, LF, CR, every {@code Zs}, and U+2028/U+2029 (which Python's
 *     {@code str.split()} also splits on; the other characters it splits on are C* and dropped first).</li>
 * <li>{@link #PUNCT}: ASCII 33–47, 58–64, 91–96, 123–126 and every {@code P*}.</li>
 * <li>{@link #CJK}: BERT's CJK ideograph ranges (not kana, not Hangul).</li>
 * <li>{@link #NONSPACING}: {@code Mn}, dropped when accents are stripped.</li>
 * <li>{@link #COMBINING}: may combine with what precedes it under NFC ({@code Mn}, {@code Mc},
 *     {@code Me}, Hangul vowel and trailing jamo): never the start of an NFC chunk.</li>
 * <li>{@link #KEPT_MARK}: {@code Mc} or {@code Me}: a mark that survives accent stripping.</li>
 * </ul>
 */
final class CharacterClasses {
    static final int DROP = 1;
    static final int SPACE = 2;
    static final int PUNCT = 4;
    static final int CJK = 8;
    static final int NONSPACING = 16;
    static final int COMBINING = 32;
    static final int KEPT_MARK = 64;

    private static final byte[] BMP = new byte[0x10000];
    /** NFD of a BMP code point without its Mn marks; filled lazily (a race only computes twice). */
    private static final String[] STRIPPED = new String[0x10000];
    /** Per BMP char: 0 not known yet, 1 NFC leaves it alone, 2 NFC changes it; filled lazily. */
    private static final byte[] NFC_ALONE = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) {
            BMP[c] = (byte) compute(c);
        }
    }

    private CharacterClasses() {
    }

    /** The flags of a code point. */
    static int of(int cp) {
        return cp < 0x10000 ? BMP[cp] : compute(cp);
    }

    private static int compute(int cp) {
        int type = Character.getType(cp);
        int flags = 0;
        boolean tabOrNewline = cp == '\t' || cp == '\n' || cp == '\r';
        if (cp == 0 || cp == 0xFFFD || (!tabOrNewline && isOtherCategory(type))) {
            flags |= DROP;
        }
        if (cp == ' ' || tabOrNewline || type == Character.SPACE_SEPARATOR || cp == 0x2028 || cp == 0x2029) {
            flags |= SPACE;
        }
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)
                || isPunctuationCategory(type)) {
            flags |= PUNCT;
        }
        if (isCjk(cp)) {
            flags |= CJK;
        }
        if (type == Character.NON_SPACING_MARK) {
            flags |= NONSPACING;
        }
        if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2)) {
            flags |= COMBINING;
        }
        if (type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK) {
            flags |= KEPT_MARK;
        }
        return flags;
    }

    private static boolean isOtherCategory(int type) {
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    private static boolean isPunctuationCategory(int type) {
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    /** BERT's {@code _is_chinese_char}: the CJK Unified Ideographs blocks and their extensions, compatibility ideographs. */
    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /**
     * Python's {@code str.lower()} of one character, as code points appended to {@code out}; returns
     * how many (1, or 2 for U+0130 {@code İ}, whose full lower-case mapping is {@code i} + U+0307).
     */
    static int lower(int cp, int[] out) {
        if (cp == 0x130) {
            out[0] = 'i';
            out[1] = 0x307;
            return 2;
        }
        out[0] = Character.toLowerCase(cp);
        return 1;
    }

    /**
     * Whether NFC leaves this BMP char unchanged when it stands alone. A word made only of such
     * chars, none of them {@link #COMBINING}, is already NFC: nothing in it can compose with what
     * precedes it or be reordered (every character that composes backwards, and every non-starter,
     * is a mark or a Hangul vowel/trailing jamo; {@code CharacterClassesTest} checks this for the BMP).
     */
    static boolean nfcAlone(char c) {
        byte known = NFC_ALONE[c];
        if (known == 0) {
            known = Normalizer.isNormalized(String.valueOf(c), Normalizer.Form.NFC) ? (byte) 1 : (byte) 2;
            NFC_ALONE[c] = known;
        }
        return known == 1;
    }

    /** NFD of the code point with every {@code Mn} removed (may be empty); {@code cp >= 0xC0}. */
    static String stripAccents(int cp) {
        if (cp < 0x10000) {
            String s = STRIPPED[cp];
            if (s == null) {
                s = computeStripped(cp);
                STRIPPED[cp] = s;
            }
            return s;
        }
        return computeStripped(cp);
    }

    private static String computeStripped(int cp) {
        String nfd = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); ) {
            int c = nfd.codePointAt(i);
            if (Character.getType(c) != Character.NON_SPACING_MARK) {
                out.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    /** {@link #stripAccents(int)} of a whole string, as {@code _run_strip_accents} does it (NFD of the string). */
    static String stripAccents(String text) {
        String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); ) {
            int c = nfd.codePointAt(i);
            if (Character.getType(c) != Character.NON_SPACING_MARK) {
                out.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }
}
