package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code saveVocabulary} writes what {@code save_pretrained} writes, and it loads back to the same tokenizer. */
class SaveVocabularyTest {
    @TempDir
    Path tmp;

    @Test
    void savesAndReloads() throws IOException {
        BertTokenizer original = BertTokenizer.fromPath(Golden.miniLm());
        Path out = tmp.resolve("saved");
        original.saveVocabulary(out);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("special_tokens_map.json", "tokenizer_config.json", "vocab.txt"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left behind");
        }
        assertArrayEquals(Files.readAllBytes(Golden.dir().resolve("vocab.txt")), Files.readAllBytes(out.resolve("vocab.txt")));

        JsonNode config = new ObjectMapper().readTree(out.resolve("tokenizer_config.json").toFile());
        assertTrue(config.get("do_lower_case").booleanValue());
        assertEquals(512, config.get("model_max_length").intValue());
        assertEquals("[CLS]", config.get("cls_token").textValue());
        assertEquals("[MASK]", config.get("added_tokens_decoder").get("103").get("content").textValue());
        assertTrue(config.get("strip_accents").isNull());
        assertEquals("BertTokenizer", config.get("tokenizer_class").textValue());
        String map = Files.readString(out.resolve("special_tokens_map.json"));
        assertTrue(map.startsWith("{\n  \"cls_token\": \"[CLS]\",\n"), map);

        BertTokenizer reloaded = BertTokenizer.fromPath(out);
        assertEquals(original.options(), reloaded.options());
        assertEquals(original.vocab().tokens(), reloaded.vocab().tokens());
        for (JsonNode line : Golden.singles().subList(0, 500)) {
            String text = line.get("text").textValue();
            assertEquals(original.encode(text), reloaded.encode(text));
        }
    }

    @Test
    void savesCasedAndUnlimited() throws IOException {
        BertTokenizer cased = Golden.cased();
        cased.saveVocabulary(tmp);
        cased.saveVocabulary(tmp); // overwriting works
        BertTokenizer reloaded = BertTokenizer.fromPath(tmp);
        assertEquals(cased.options(), reloaded.options());
        String config = Files.readString(tmp.resolve("tokenizer_config.json"));
        assertTrue(config.contains("\"model_max_length\": 1000000000000000019884624838656"), config);
        assertTrue(config.contains("\"extra_special_tokens\": {}"), config);
    }
}
