package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The assumptions the fast paths make about Unicode, checked against this JDK's own data. */
class CharacterClassesTest {

    /**
     * NFC chunking and the "already NFC" shortcut assume that every character that can compose with
     * the one before it is {@link CharacterClasses#COMBINING}. A character composes backwards when it
     * is the second of a canonical pair that NFC recomposes.
     */
    @Test
    void everyBackwardComposerInTheBmpIsCombining() {
        List<String> wrong = new ArrayList<>();
        int composers = 0;
        for (int cp = 0xC0; cp < 0x110000; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            String c = new String(Character.toChars(cp));
            String nfd = Normalizer.normalize(c, Normalizer.Form.NFD);
            if (nfd.equals(c) || !Normalizer.normalize(nfd, Normalizer.Form.NFC).equals(c)) {
                continue;
            }
            // the last code point of the full decomposition is the one that composed last
            int second = nfd.codePointBefore(nfd.length());
            composers++;
            if (second < 0x10000 && (CharacterClasses.of(second) & CharacterClasses.COMBINING) == 0) {
                wrong.add(String.format("U+%04X (in U+%04X)", second, cp));
            }
        }
        System.out.println("primary composites: " + composers + ", BMP backward composers not marked COMBINING: "
                + wrong.size());
        assertEquals(List.of(), wrong);
    }

    @Test
    void pythonPunctuationAndWhitespaceRules() {
        for (char c : "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".toCharArray()) {
            assertTrue((CharacterClasses.of(c) & CharacterClasses.PUNCT) != 0, "ASCII punctuation " + c);
        }
        assertEquals(0, CharacterClasses.of('\u20AC') & CharacterClasses.PUNCT, "€ is Sc, not punctuation");
        assertTrue((CharacterClasses.of('\u00BF') & CharacterClasses.PUNCT) != 0, "¿ is Po");
        for (int c : new int[] {' ', '\t', '\n', '\r', 0xA0, 0x3000, 0x2028, 0x2029, 0x1680, 0x202F}) {
            assertTrue((CharacterClasses.of(c) & CharacterClasses.SPACE) != 0, String.format("U+%04X splits", c));
        }
        for (int c : new int[] {0, 0x1F, 0x7F, 0x85, 0x200B, 0xFEFF, 0xFFFD, 0xE000, 0xD800, 0x0B, 0x0C}) {
            assertTrue((CharacterClasses.of(c) & CharacterClasses.DROP) != 0, String.format("U+%04X is dropped", c));
        }
        assertTrue(CharacterClasses.isCjk(0x4E2D));
        assertTrue(CharacterClasses.isCjk(0x2F800));
        assertEquals(false, CharacterClasses.isCjk(0x3042), "hiragana is not in BERT's CJK ranges");
        assertEquals(false, CharacterClasses.isCjk(0xAC00), "Hangul is not in BERT's CJK ranges");
    }
}
