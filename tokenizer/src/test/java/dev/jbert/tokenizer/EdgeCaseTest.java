package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Corners of the slow tokenizer's order of operations that the golden corpus touches lightly,
 * each result following from the rules step by step (see {@link TextEncoder}).
 */
class EdgeCaseTest {

    @Test
    void aSpecialTokenFormedByCleaningIsKeptWholeInCasedModeOnly() {
        // cleaning drops U+200B, the word becomes "[CLS]", which never_split keeps whole
        assertEquals(List.of("a", "[CLS]", "b"), Golden.cased().tokenize("a [CL\u200BS] b"));
        // uncased: lower-casing came first, "[cls]" is ordinary text
        assertEquals(Golden.uncased().tokenize("a [cls] b"), Golden.uncased().tokenize("a [CL\u200BS] b"));
    }

    @Test
    void neverSplitIsCheckedAgainAfterAccentStripping() {
        BertTokenizer casedStrip = Golden.cased().withOptions(Golden.cased().options().withStripAccents(true));
        // the word "\u0301[MASK]" is not a special token; stripping the accent makes it one
        assertEquals(List.of("[MASK]"), casedStrip.tokenize("\u0301[MA\u0000SK]"));
    }

    @Test
    void neverSplitWordsAreKeptVerbatimEvenAfterPunctuation() {
        BertTokenizer t = Golden.cased().withOptions(Golden.cased().options().withNeverSplit(List.of("w\u00f6rld")));
        Encoding e = t.encode("x}wo\u0308rld", null, EncodeOptions.defaults().withAddSpecialTokens(false));
        assertEquals(List.of("x", "}", "w\u00f6rld"), e.tokens());
        assertEquals(t.unkId(), e.inputIds()[2], "not in the vocabulary: the [UNK] id, its own text");
        assertArrayEquals(new int[] {2, 8}, e.offsets()[2]);
    }

    @Test
    void anEmptySequenceIsNotPaddedAloneButIsInABatch() {
        BertTokenizer t = Golden.uncased();
        EncodeOptions o = new EncodeOptions(4, EncodeOptions.Truncation.LONGEST_FIRST, EncodeOptions.Padding.MAX_LENGTH,
                false);
        assertEquals(0, t.encode("", null, o).length());
        List<Encoding> batch = t.encodeBatch(List.of("", "a"), null, o);
        assertArrayEquals(new int[] {0, 0, 0, 0}, batch.get(0).attentionMask());
        assertEquals(4, batch.get(1).length());
    }

    @Test
    void capitalSigmaAndDottedCapitalIAreLowerCasedOneCharacterAtATime() {
        BertTokenizer t = Golden.uncased();
        assertEquals(t.tokenize("\u03bf\u03b4\u03bf\u03c3"), t.tokenize("\u039f\u0394\u039f\u03a3"));
        assertEquals(t.tokenize("istanbul"), t.tokenize("\u0130stanbul"));
    }

    @Test
    void nfcComesBeforePunctuationSplitting() {
        // "<" + U+0338 composes to U+226E, a symbol, not punctuation: one word
        assertEquals(Golden.cased().tokenize("a\u226eb"), Golden.cased().tokenize("a<\u0338b"));
        // U+1FEF (Sk) becomes "`" (ASCII punctuation) under NFC: a split
        assertEquals(List.of("a", "`", "b"), Golden.cased().tokenize("a\u1fefb"));
    }
}
