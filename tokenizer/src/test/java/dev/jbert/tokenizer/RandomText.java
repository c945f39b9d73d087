package dev.jbert.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded random strings that exercise every rule of the tokenizer, for property tests. */
final class RandomText {
    private static final String[] WORDS = {
        "the", "Quick", "brown", "FOX", "jumps", "over", "lazy", "dogs", "unbelievable", "tokenization",
        "don't", "U.S.A.", "e-mail", "naïve", "café", "Ångström", "résumé", "straße", "ΟΔΟΣ", "οδος", "İstanbul",
        "Москва", "東京", "中文字", "한국어", "ひらがな", "カタカナ", "ไทย", "עברית", "العربية", "😀", "👍🏽", "🇫🇷",
        "x[MASK]y", "[CLS]", "[SEP]", "[cls]", "[UNK]", "##ing", "3.14", "1,000", "½", "€5", "©", "≠", "≮",
        "<\u0338", "e\u0301", "a\u0308\u0301", "\u1100\u1161\u11a8", "ﬁne", "Ⅻ", "\uFA5D", "\uD840\uDC0B",
        "caf\u00e9\u0301", "\u0958", "kelvin\u212A", "\u1FEF", "\u037E", "a\u20E3",
    };
    private static final String[] GLUE = {
        " ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u3000", "\u2028", "", "\u200B", "\u0000", "\uFFFD",
        "\u0085", "\u001F", ", ", ". ", "!", "?", "(", ")", "\"", "'", "-", "\uFEFF", "\uE000",
    };

    private final Random random;

    RandomText(long seed) {
        random = new Random(seed);
    }

    String next() {
        int words = random.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0 || random.nextInt(4) == 0) {
                sb.append(GLUE[random.nextInt(GLUE.length)]);
            }
            switch (random.nextInt(10)) {
                case 0 -> sb.append(randomCodePoints(1 + random.nextInt(4)));
                case 1 -> sb.append(Character.toChars(0xD800 + random.nextInt(0x800))); // an unpaired surrogate
                default -> sb.append(WORDS[random.nextInt(WORDS.length)]);
            }
        }
        return sb.toString();
    }

    List<String> list(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    private String randomCodePoints(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int cp = switch (random.nextInt(4)) {
                case 0 -> 0x20 + random.nextInt(0x60);
                case 1 -> 0xA0 + random.nextInt(0x3000);
                case 2 -> random.nextInt(0x10000);
                default -> random.nextInt(0x110000);
            };
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 'z';
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
