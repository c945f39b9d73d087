package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Invalid UTF-16 and huge inputs. An unpaired surrogate is a character of category Cs, which
 * cleaning drops (as the slow tokenizer drops a lone surrogate in a Python str): no exception.
 * Huge strings are tokenized in linear time; the timeouts only guard against a hang, they are
 * not speed requirements.
 */
class BadInputTest {
    private static final Duration HANG = Duration.ofSeconds(120);

    @Test
    void unpairedSurrogatesAreDroppedLikeOtherControlCharacters() {
        BertTokenizer t = Golden.uncased();
        assertEquals(t.tokenize("ab cd"), t.tokenize("a\uD800b c\uDC00d"));
        assertEquals(t.tokenize("x"), t.tokenize("\uDBFFx\uD83D"));
        assertEquals(List.of(), t.tokenize("\uDC00\uD800"));  // reversed pair: two lone surrogates
        Encoding e = t.encode("a\uD800b", null, EncodeOptions.defaults().withAddSpecialTokens(false));
        assertEquals(1, e.length());
        assertEquals(0, e.offsets()[0][0]);
        assertEquals(3, e.offsets()[0][1]);
        // a valid pair is one astral character, never split
        Encoding astral = t.encode("\uD83D\uDE00", null, EncodeOptions.defaults().withAddSpecialTokens(false));
        assertEquals(List.of("[UNK]"), astral.tokens());
        assertEquals(2, astral.offsets()[0][1]);
    }

    @Test
    void tenMegabytesOfProse() {
        BertTokenizer t = Golden.uncased();
        String[] words = {"the", "tokenizer", "reads", "long", "texts,", "quickly.", "Numbers", "3.14159", "and", "café"};
        Random r = new Random(1);
        StringBuilder sb = new StringBuilder(10 << 20);
        while (sb.length() < 10 << 20) {
            sb.append(words[r.nextInt(words.length)]).append(' ');
        }
        String text = sb.toString();
        Encoding e = assertTimeoutPreemptively(HANG, () -> t.encode(text));
        assertTrue(e.length() > 1_000_000, "tokens: " + e.length());
        Encoding cut = assertTimeoutPreemptively(HANG, () -> t.encode(text, text, EncodeOptions.maxLength(512)));
        assertEquals(512, cut.length());
    }

    @Test
    void tenMegabytesWithoutASpaceIsOneUnknownWord() {
        BertTokenizer t = Golden.uncased();
        String text = "a".repeat(10 << 20);
        assertEquals(List.of("[UNK]"), assertTimeoutPreemptively(HANG, () -> t.tokenize(text)));
        String accented = "e\u0301".repeat(5 << 20); // NFC and accent stripping of a 10 MB word
        assertEquals(List.of("[UNK]"), assertTimeoutPreemptively(HANG, () -> t.tokenize(accented)));
        String marks = "a" + "\u0301".repeat(1 << 20); // one base with a million marks
        assertEquals(List.of("a"), assertTimeoutPreemptively(HANG, () -> t.tokenize(marks)));
        assertEquals(List.of("[UNK]"), assertTimeoutPreemptively(HANG, () -> Golden.cased().tokenize(marks)));
    }

    @Test
    void tenMegabytesOfMixedScriptsAndSpecialTokens() {
        BertTokenizer t = Golden.uncased();
        RandomText random = new RandomText(3);
        StringBuilder sb = new StringBuilder(10 << 20);
        while (sb.length() < 10 << 20) {
            sb.append(random.next()).append(' ');
        }
        String text = sb.toString();
        List<String> tokens = assertTimeoutPreemptively(HANG, () -> t.tokenize(text));
        assertTrue(tokens.size() > 100_000, "tokens: " + tokens.size());
        String specials = "[MASK]".repeat(1 << 20);
        assertEquals(1 << 20, assertTimeoutPreemptively(HANG, () -> t.tokenize(specials)).size());
    }
}
