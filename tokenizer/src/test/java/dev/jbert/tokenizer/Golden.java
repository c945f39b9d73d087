package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The golden tokenizer files in {@code ../shared/golden/tokenizer}; tests skip visibly without them. */
final class Golden {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static List<JsonNode> singles;
    private static List<JsonNode> pairs;
    private static BertTokenizer uncased;
    private static BertTokenizer cased;

    private Golden() {
    }

    /** {@code ../shared/golden/tokenizer}, or a skipped test. */
    static Path dir() {
        String shared = System.getProperty("jbert.shared.dir");
        assumeTrue(shared != null, "system property jbert.shared.dir is not set: golden tokenizer tests skipped");
        Path dir = Path.of(shared, "golden", "tokenizer");
        assumeTrue(Files.isRegularFile(dir.resolve("singles.jsonl")),
                "no golden tokenizer data at " + dir + ": golden tokenizer tests skipped");
        return dir;
    }

    /** {@code ../shared/models/all-MiniLM-L6-v2}, or a skipped test. */
    static Path miniLm() {
        String shared = System.getProperty("jbert.shared.dir");
        assumeTrue(shared != null, "system property jbert.shared.dir is not set: test skipped");
        Path dir = Path.of(shared, "models", "all-MiniLM-L6-v2");
        assumeTrue(Files.isRegularFile(dir.resolve("tokenizer.json")), "no model folder at " + dir + ": test skipped");
        return dir;
    }

    static synchronized List<JsonNode> singles() {
        if (singles == null) {
            singles = readLines(dir().resolve("singles.jsonl"));
        }
        return singles;
    }

    static synchronized List<JsonNode> pairs() {
        if (pairs == null) {
            pairs = readLines(dir().resolve("pairs.jsonl"));
        }
        return pairs;
    }

    static synchronized BertTokenizer uncased() {
        if (uncased == null) {
            uncased = BertTokenizer.fromVocab(dir().resolve("vocab.txt"), true);
        }
        return uncased;
    }

    static synchronized BertTokenizer cased() {
        if (cased == null) {
            cased = BertTokenizer.fromVocab(dir().resolve("vocab.txt"), false);
        }
        return cased;
    }

    static List<JsonNode> readLines(Path file) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(MAPPER.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            out.add(n.textValue());
        }
        return out;
    }
}
