package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every line of {@code pairs.jsonl}: {@code tokenizer(text, text_pair, max_length=32,
 * truncation=STRATEGY, padding="max_length")} of the slow uncased tokenizer, for
 * {@code longest_first} (tie token removed from the second text) and {@code only_second}
 * (untruncated and unpadded with the overflow flag when the first text alone does not fit).
 */
class GoldenPairsTest {

    @ParameterizedTest
    @ValueSource(strings = {"longest_first", "only_second"})
    void pairsEqualTheReference(String strategy) {
        BertTokenizer tokenizer = Golden.uncased();
        EncodeOptions options = new EncodeOptions(32, EncodeOptions.Truncation.parse(strategy),
                EncodeOptions.Padding.MAX_LENGTH, true);
        List<String> failures = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        int compared = 0;
        int overflowing = 0;
        for (JsonNode line : Golden.pairs()) {
            JsonNode expected = line.get(strategy);
            Encoding e = tokenizer.encode(line.get("text").textValue(), line.get("text_pair").textValue(), options);
            compared++;
            if (e.overflow()) {
                overflowing++;
            }
            boolean same = Arrays.equals(e.inputIds(), Golden.ints(expected.get("input_ids")))
                    && Arrays.equals(e.tokenTypeIds(), Golden.ints(expected.get("token_type_ids")))
                    && Arrays.equals(e.attentionMask(), Golden.ints(expected.get("attention_mask")))
                    && e.overflow() == expected.get("overflow").booleanValue();
            if (!same) {
                failed.add(line.get("id").intValue());
                failures.add("pairs.jsonl id " + line.get("id") + " " + strategy + ": expected " + expected
                        + "\n  found " + e);
            }
        }
        List<Integer> explained = UnicodeVersionTest.explainedPairs(strategy);
        System.out.printf("pairs %s: %d lines, %d identical, %d overflow max_length, %d differ (%d explained by "
                + "Unicode version)%n", strategy, compared, compared - failures.size(), overflowing, failures.size(),
                explained.size());
        assertEquals(1500, compared, "pairs.jsonl: expected 1500 lines");
        assertEquals(explained, failed, () -> String.join("\n", failures));
    }
}
