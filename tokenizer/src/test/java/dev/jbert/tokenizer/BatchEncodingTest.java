package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code encodeBatch} spreads work over threads; the result equals encoding one by one. */
class BatchEncodingTest {

    @Test
    void batchEqualsOneByOne() {
        BertTokenizer t = Golden.uncased();
        RandomText random = new RandomText(11);
        List<String> texts = random.list(2000);
        List<String> pairs = random.list(2000);
        for (EncodeOptions o : List.of(EncodeOptions.defaults(),
                new EncodeOptions(24, EncodeOptions.Truncation.LONGEST_FIRST, EncodeOptions.Padding.MAX_LENGTH, true),
                new EncodeOptions(24, EncodeOptions.Truncation.ONLY_SECOND, EncodeOptions.Padding.NONE, true),
                new EncodeOptions(16, EncodeOptions.Truncation.ONLY_FIRST, EncodeOptions.Padding.NONE, false))) {
            for (List<String> p : Arrays.asList(null, pairs)) {
                List<Encoding> batch = t.encodeBatch(texts, p, o);
                assertEquals(texts.size(), batch.size());
                for (int i = 0; i < texts.size(); i++) {
                    assertEquals(t.encode(texts.get(i), p == null ? null : p.get(i), o), batch.get(i),
                            "item " + i + " with " + o);
                }
            }
        }
    }

    @Test
    void longestPadsToTheLongestOfTheBatch() {
        BertTokenizer t = Golden.uncased();
        List<String> texts = List.of("a", "a b c d e", "a b");
        EncodeOptions o = EncodeOptions.defaults().withPadding(EncodeOptions.Padding.LONGEST);
        List<Encoding> batch = t.encodeBatch(texts, null, o);
        int longest = t.encode("a b c d e").length(); // 5 words + [CLS] + [SEP]
        for (int i = 0; i < texts.size(); i++) {
            Encoding e = batch.get(i);
            Encoding alone = t.encode(texts.get(i));
            assertEquals(longest, e.length());
            for (int k = 0; k < longest; k++) {
                boolean real = k < alone.length();
                assertEquals(real ? alone.inputIds()[k] : t.padId(), e.inputIds()[k]);
                assertEquals(real ? 1 : 0, e.attentionMask()[k]);
                assertEquals(real ? alone.specialTokensMask()[k] : 1, e.specialTokensMask()[k]);
                assertEquals(real ? alone.tokens().get(k) : "[PAD]", e.tokens().get(k));
            }
        }
        // a single encoding with LONGEST is left as it is
        assertEquals(t.encode("a b"), t.encode("a b", null, o));
    }

    @Test
    void rejectsMismatchedOrNullInput() {
        BertTokenizer t = Golden.uncased();
        assertThrows(IllegalArgumentException.class,
                () -> t.encodeBatch(List.of("a", "b"), List.of("c"), EncodeOptions.defaults()));
        List<String> withNull = new ArrayList<>(List.of("a", "b"));
        withNull.add(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.encodeBatch(withNull, null, EncodeOptions.defaults()));
        assertEquals("encodeBatch: texts[2] is null", e.getMessage());
        assertEquals(List.of(), t.encodeBatch(List.of(), null, EncodeOptions.defaults()));
    }
}
