package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Truncation, special tokens and padding on a tiny vocabulary where every word is one token, so
 * each expected result is counted by hand: ids 0-4 are [PAD] [UNK] [CLS] [SEP] [MASK], then a..e = 5..9.
 */
class TruncationTest {
    private static final BertTokenizer T = BertTokenizer.fromVocab(
            List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "e"),
            TokenizerOptions.defaults(true));
    private static final int PAD = 0;
    private static final int CLS = 2;
    private static final int SEP = 3;
    private static final int A = 5;
    private static final int B = 6;
    private static final int C = 7;
    private static final int D = 8;
    private static final int E = 9;

    private static EncodeOptions opts(int max, EncodeOptions.Truncation t, EncodeOptions.Padding p) {
        return new EncodeOptions(max, t, p, true);
    }

    @Test
    void longestFirstTakesFromTheLongerAndOnATieFromTheSecond() {
        // 4 + 2 + 3 specials = 9 > 7: remove 2, both from the first (4 > 2, then 3 > 2)
        Encoding e = T.encode("a b c d", "e e", opts(7, EncodeOptions.Truncation.LONGEST_FIRST, EncodeOptions.Padding.NONE));
        assertArrayEquals(new int[] {CLS, A, B, SEP, E, E, SEP}, e.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1}, e.tokenTypeIds());
        assertFalse(e.overflow());
        // 2 + 2 + 3 = 7 > 6: a tie, the second loses its last token
        Encoding tie = T.encode("a b", "c d", opts(6, EncodeOptions.Truncation.LONGEST_FIRST, EncodeOptions.Padding.NONE));
        assertArrayEquals(new int[] {CLS, A, B, SEP, C, SEP}, tie.inputIds());
    }

    @Test
    void onlyFirstAndOnlySecondLeaveTheResultUntruncatedWhenTheyCannotCutEnough() {
        // only_first: the first (1 token) cannot lose 2
        Encoding first = T.encode("a", "c d e", opts(5, EncodeOptions.Truncation.ONLY_FIRST, EncodeOptions.Padding.MAX_LENGTH));
        assertArrayEquals(new int[] {CLS, A, SEP, C, D, E, SEP}, first.inputIds());
        assertTrue(first.overflow());
        // only_second: the second (1 token) cannot lose 2; untruncated and unpadded
        Encoding second = T.encode("c d e", "a", opts(5, EncodeOptions.Truncation.ONLY_SECOND, EncodeOptions.Padding.MAX_LENGTH));
        assertArrayEquals(new int[] {CLS, C, D, E, SEP, A, SEP}, second.inputIds());
        assertTrue(second.overflow());
        // only_second when it can: 2 + 3 + 3 = 8 > 6, the second loses 2
        Encoding cut = T.encode("a b", "c d e", opts(6, EncodeOptions.Truncation.ONLY_SECOND, EncodeOptions.Padding.NONE));
        assertArrayEquals(new int[] {CLS, A, B, SEP, C, SEP}, cut.inputIds());
        assertFalse(cut.overflow());
        // only_second with no pair truncates nothing
        Encoding single = T.encode("a b c d", null, opts(4, EncodeOptions.Truncation.ONLY_SECOND, EncodeOptions.Padding.NONE));
        assertArrayEquals(new int[] {CLS, A, B, C, D, SEP}, single.inputIds());
        assertTrue(single.overflow());
    }

    @Test
    void singleTextTruncatesFromTheEnd() {
        Encoding e = T.encode("a b c d e", null, opts(4, EncodeOptions.Truncation.LONGEST_FIRST, EncodeOptions.Padding.NONE));
        assertArrayEquals(new int[] {CLS, A, B, SEP}, e.inputIds());
        Encoding f = T.encode("a b c d e", null, opts(4, EncodeOptions.Truncation.ONLY_FIRST, EncodeOptions.Padding.NONE));
        assertArrayEquals(new int[] {CLS, A, B, SEP}, f.inputIds());
    }

    @Test
    void noneKeepsEverythingAndPaddingMaxLengthPadsShortOnes() {
        Encoding e = T.encode("a b c d e", null, opts(4, EncodeOptions.Truncation.NONE, EncodeOptions.Padding.MAX_LENGTH));
        assertArrayEquals(new int[] {CLS, A, B, C, D, E, SEP}, e.inputIds());
        assertTrue(e.overflow());
        Encoding p = T.encode("a", "b", opts(7, EncodeOptions.Truncation.NONE, EncodeOptions.Padding.MAX_LENGTH));
        assertArrayEquals(new int[] {CLS, A, SEP, B, SEP, PAD, PAD}, p.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 0, 0}, p.tokenTypeIds());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 0, 0}, p.attentionMask());
        assertArrayEquals(new int[] {1, 0, 1, 0, 1, 1, 1}, p.specialTokensMask());
        assertEquals(List.of("[CLS]", "a", "[SEP]", "b", "[SEP]", "[PAD]", "[PAD]"), p.tokens());
        assertFalse(p.overflow());
        // no max length: MAX_LENGTH padding has nothing to pad to
        assertArrayEquals(new int[] {CLS, A, SEP}, T.encode("a", null, opts(0, EncodeOptions.Truncation.LONGEST_FIRST,
                EncodeOptions.Padding.MAX_LENGTH)).inputIds());
    }

    @Test
    void withoutSpecialTokensAllTypeIdsAreZero() {
        Encoding e = T.encode("a b", "c", new EncodeOptions(0, EncodeOptions.Truncation.NONE, EncodeOptions.Padding.NONE, false));
        assertArrayEquals(new int[] {A, B, C}, e.inputIds());
        assertArrayEquals(new int[] {0, 0, 0}, e.tokenTypeIds());
        assertArrayEquals(new int[] {0, 0, 0}, e.specialTokensMask());
        // 3 tokens, max 2, longest first: first (2) > second (1), then a tie takes from the second
        Encoding t = T.encode("a b", "c", new EncodeOptions(1, EncodeOptions.Truncation.LONGEST_FIRST, EncodeOptions.Padding.NONE, false));
        assertArrayEquals(new int[] {A}, t.inputIds());
    }

    @Test
    void emptyPairIsAPair() {
        assertArrayEquals(new int[] {CLS, A, SEP, SEP}, T.encode("a", "", EncodeOptions.defaults()).inputIds());
        assertArrayEquals(new int[] {CLS, SEP}, T.encode("", null, EncodeOptions.defaults()).inputIds());
    }

    @Test
    void optionsAreValidatedAndParsedInHuggingFaceSpelling() {
        assertThrows(IllegalArgumentException.class, () -> EncodeOptions.defaults().withMaxLength(-1));
        assertEquals(EncodeOptions.Truncation.NONE, EncodeOptions.Truncation.parse("do_not_truncate"));
        assertEquals(EncodeOptions.Truncation.ONLY_SECOND, EncodeOptions.Truncation.parse("only_second"));
        assertEquals(EncodeOptions.Padding.MAX_LENGTH, EncodeOptions.Padding.parse("max_length"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncodeOptions.Padding.parse("maximum"));
        assertTrue(e.getMessage().contains("'maximum'"), e.getMessage());
    }
}
