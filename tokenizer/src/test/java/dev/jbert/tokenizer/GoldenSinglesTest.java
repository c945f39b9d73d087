package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every line of {@code singles.jsonl}: {@code tokenize(text)} and {@code encode(text).inputIds()}
 * equal the slow Hugging Face tokenizer's, uncased and cased. Lines whose mismatch a Unicode-version
 * difference explains are listed by {@link UnicodeVersionTest}; this test allows exactly those.
 */
class GoldenSinglesTest {

    @ParameterizedTest
    @ValueSource(strings = {"uncased", "cased"})
    void tokensAndIdsEqualTheReference(String mode) {
        BertTokenizer tokenizer = mode.equals("uncased") ? Golden.uncased() : Golden.cased();
        List<JsonNode> lines = Golden.singles();
        List<String> failures = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        int compared = 0;
        for (JsonNode line : lines) {
            String text = line.get("text").textValue();
            JsonNode expected = line.get(mode);
            List<String> tokens = tokenizer.tokenize(text);
            int[] ids = tokenizer.encode(text).inputIds();
            compared++;
            if (!tokens.equals(Golden.strings(expected.get("tokens")))
                    || !Arrays.equals(ids, Golden.ints(expected.get("input_ids")))) {
                failed.add(line.get("id").intValue());
                failures.add("singles.jsonl id " + line.get("id") + " (" + line.get("category") + ") " + line.get("text")
                        + "\n  expected " + expected.get("tokens") + "\n  found    " + tokens);
            }
        }
        List<Integer> explained = UnicodeVersionTest.explainedSingles(mode);
        System.out.printf("singles %s: %d lines, %d identical, %d differ (%d explained by Unicode version)%n",
                mode, compared, compared - failures.size(), failures.size(), explained.size());
        assertEquals(3000, compared, "singles.jsonl: expected 3000 lines");
        assertEquals(explained, failed, () -> String.join("\n", failures));
    }
}
