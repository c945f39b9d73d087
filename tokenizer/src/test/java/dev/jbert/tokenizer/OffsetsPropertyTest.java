package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Offsets point back into the original string: each text token's {@code [start, end)} is a valid
 * substring (never half of a surrogate pair), and that substring, normalised the same way, is the
 * token without {@code ##}. Where one original character became several tokens (a Hangul syllable
 * decomposed into jamo, say), the tokens sharing it are checked together. {@code [UNK]} tokens are
 * only checked for valid ranges. Added special tokens and padding are {@code [0, 0]}.
 */
class OffsetsPropertyTest {

    @Test
    void goldenTextsUncasedAndCased() {
        int checked = 0;
        for (BertTokenizer t : List.of(Golden.uncased(), Golden.cased())) {
            for (JsonNode line : Golden.singles()) {
                checked += check(t, line.get("text").textValue());
            }
        }
        System.out.println("offsets: " + checked + " token groups checked on the golden texts");
        assertTrue(checked > 30_000);
    }

    @Test
    void randomTexts() {
        BertTokenizer uncased = Golden.uncased();
        BertTokenizer cased = Golden.cased();
        RandomText random = new RandomText(42);
        int checked = 0;
        for (int i = 0; i < 5000; i++) {
            String text = random.next();
            checked += check(uncased, text);
            checked += check(cased, text);
        }
        System.out.println("offsets: " + checked + " token groups checked on random texts");
    }

    @Test
    void specialAndPaddingTokensHaveEmptyOffsets() {
        BertTokenizer t = Golden.uncased();
        Encoding e = t.encode("Hello world", "again", new EncodeOptions(16, EncodeOptions.Truncation.LONGEST_FIRST,
                EncodeOptions.Padding.MAX_LENGTH, true));
        for (int i = 0; i < e.length(); i++) {
            if (e.specialTokensMask()[i] == 1) {
                assertEquals(0, e.offsets()[i][0], "token " + i + " " + e.tokens().get(i));
                assertEquals(0, e.offsets()[i][1], "token " + i + " " + e.tokens().get(i));
            }
        }
        // the pair's tokens index into the pair's own string
        int again = e.tokens().indexOf("again");
        assertEquals(0, e.offsets()[again][0]);
        assertEquals(5, e.offsets()[again][1]);
    }

    /** Checks one text; returns the number of token groups compared. */
    private static int check(BertTokenizer t, String text) {
        Encoding e = t.encode(text, null, EncodeOptions.defaults().withAddSpecialTokens(false));
        int n = e.length();
        for (int i = 0; i < n; i++) {
            int s = e.offsets()[i][0];
            int end = e.offsets()[i][1];
            if (s < 0 || s >= end || end > text.length() || splitsPair(text, s) || splitsPair(text, end)) {
                fail("token " + i + " '" + e.tokens().get(i) + "' has offsets [" + s + ", " + end + ") in "
                        + escape(text));
            }
        }
        int groups = 0;
        int i = 0;
        while (i < n) {
            int groupStart = e.offsets()[i][0];
            int groupEnd = e.offsets()[i][1];
            int j = i + 1;
            while (j < n && e.offsets()[j][0] < groupEnd) {
                groupEnd = Math.max(groupEnd, e.offsets()[j][1]);
                j++;
            }
            StringBuilder joined = new StringBuilder();
            boolean unknown = false;
            for (int k = i; k < j; k++) {
                String token = e.tokens().get(k);
                unknown |= e.inputIds()[k] == t.unkId() && !text.startsWith(token, e.offsets()[k][0]);
                joined.append(token.startsWith("##") ? token.substring(2) : token);
            }
            if (!unknown) {
                String original = text.substring(groupStart, groupEnd);
                String normalised = String.join("", t.basicTokenize(original));
                if (!normalised.contentEquals(joined)) {
                    List<String> group = new ArrayList<>(e.tokens().subList(i, j));
                    fail("tokens " + group + " at [" + groupStart + ", " + groupEnd + ") of " + escape(text)
                            + ": the substring " + escape(original) + " normalises to '" + normalised + "'");
                }
                groups++;
            }
            i = j;
        }
        return groups;
    }

    private static boolean splitsPair(String text, int at) {
        return at > 0 && at < text.length() && Character.isHighSurrogate(text.charAt(at - 1))
                && Character.isLowSurrogate(text.charAt(at));
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return sb.append('"').toString();
    }
}
