package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading from vocab.txt, tokenizer.json and model folders, and every refusal with a clear message. */
class LoadingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> SMALL = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world");

    @TempDir
    Path tmp;

    private static void assertSameAsGolden(BertTokenizer t) {
        for (JsonNode line : Golden.singles()) {
            assertArrayEquals(Golden.ints(line.get("uncased").get("input_ids")),
                    t.encode(line.get("text").textValue()).inputIds(), "singles.jsonl id " + line.get("id"));
        }
    }

    @Test
    void modelFolderPrefersVocabAndConfig() {
        Path folder = Golden.miniLm();
        BertTokenizer t = BertTokenizer.fromPath(folder);
        assertTrue(t.lowercase());
        assertEquals(512, t.modelMaxLength());
        assertEquals(30522, t.vocab().size());
        assertEquals(0, t.padId());
        assertEquals(100, t.unkId());
        assertEquals(101, t.clsId());
        assertEquals(102, t.sepId());
        assertEquals(103, t.maskId());
        assertSameAsGolden(t);
    }

    @Test
    void tokenizerJsonGivesTheSameResults() {
        BertTokenizer t = BertTokenizer.fromTokenizerJson(Golden.miniLm().resolve("tokenizer.json"));
        assertTrue(t.lowercase());
        assertEquals(TokenizerOptions.UNLIMITED, t.modelMaxLength());
        assertSameAsGolden(t);
        assertEquals(t.vocab().tokens(), BertTokenizer.fromPath(Golden.dir().resolve("vocab.txt")).vocab().tokens());
    }

    @Test
    void folderWithOnlyTokenizerJsonAndConfig() throws IOException {
        Files.copy(Golden.miniLm().resolve("tokenizer.json"), tmp.resolve("tokenizer.json"));
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"model_max_length\": 128}");
        BertTokenizer t = BertTokenizer.fromPath(tmp);
        assertFalse(t.lowercase(), "tokenizer_config.json overrides the normalizer, as BertTokenizerFast does");
        assertEquals(128, t.modelMaxLength());
        assertEquals(List.of("[UNK]"), t.tokenize("Hello"));
    }

    @Test
    void bareVocabDefaultsToLowercase() throws IOException {
        Path vocab = tmp.resolve("my-vocab.txt");
        Files.writeString(vocab, String.join("\n", SMALL) + "\n");
        BertTokenizer t = BertTokenizer.fromPath(vocab);
        assertTrue(t.lowercase());
        assertEquals(List.of("hello", "world"), t.tokenize("HELLO World"));
        assertEquals(List.of("[UNK]", "world"), BertTokenizer.fromVocab(vocab, false).tokenize("HELLO world"));
    }

    @Test
    void vocabLinesEndWithAnyNewline() throws IOException {
        Path crlf = tmp.resolve("crlf.txt");
        Files.writeString(crlf, String.join("\r\n", SMALL));
        Path cr = tmp.resolve("cr.txt");
        Files.writeString(cr, String.join("\r", SMALL) + "\r");
        assertEquals(SMALL, BertTokenizer.fromVocab(crlf, true).vocab().tokens());
        assertEquals(SMALL, BertTokenizer.fromVocab(cr, true).vocab().tokens());
    }

    @Test
    void refusesMissingEmptyOrIncompleteVocabularies() throws IOException {
        String missing = assertThrows(TokenizerException.class,
                () -> BertTokenizer.fromPath(tmp.resolve("nope"))).getMessage();
        assertTrue(missing.contains("nope") && missing.contains("no such"), missing);

        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        String e = assertThrows(TokenizerException.class, () -> BertTokenizer.fromVocab(empty, true)).getMessage();
        assertTrue(e.contains("empty.txt") && e.contains("empty"), e);

        Path noUnk = Files.writeString(tmp.resolve("nounk.txt"), "[PAD]\n[CLS]\n[SEP]\nhello\n");
        String u = assertThrows(TokenizerException.class, () -> BertTokenizer.fromVocab(noUnk, true)).getMessage();
        assertTrue(u.contains("nounk.txt") && u.contains("unk_token") && u.contains("[UNK]"), u);

        Path noSep = Files.writeString(tmp.resolve("nosep.txt"), "[PAD]\n[UNK]\n[CLS]\nhello\n");
        String s = assertThrows(TokenizerException.class, () -> BertTokenizer.fromVocab(noSep, true)).getMessage();
        assertTrue(s.contains("sep_token") && s.contains("[SEP]"), s);

        Path badUtf8 = tmp.resolve("latin1.txt");
        Files.write(badUtf8, "[PAD]\n[UNK]\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        String b = assertThrows(TokenizerException.class, () -> BertTokenizer.fromVocab(badUtf8, true)).getMessage();
        assertTrue(b.contains("latin1.txt") && b.contains("UTF-8"), b);

        Path emptyDir = Files.createDirectory(tmp.resolve("folder"));
        String d = assertThrows(TokenizerException.class, () -> BertTokenizer.fromPath(emptyDir)).getMessage();
        assertTrue(d.contains("vocab.txt") && d.contains("tokenizer.json"), d);

        assertThrows(TokenizerException.class, () -> BertTokenizer.fromVocab(List.of(), TokenizerOptions.defaults(true)));
    }

    /** A copy of MiniLM's tokenizer.json with one field replaced; returns the refusal's message. */
    private String refusal(String pointer, String json) throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(Golden.miniLm().resolve("tokenizer.json").toFile());
        int slash = pointer.lastIndexOf('/');
        ObjectNode parent = (ObjectNode) root.at(pointer.substring(0, slash));
        parent.set(pointer.substring(slash + 1), MAPPER.readTree(json));
        Path file = tmp.resolve("tokenizer.json");
        MAPPER.writeValue(file.toFile(), root);
        TokenizerException e = assertThrows(TokenizerException.class, () -> BertTokenizer.fromTokenizerJson(file));
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void refusesTokenizerJsonOfAnotherKind() throws IOException {
        assertTrue(refusal("/model/type", "\"BPE\"").contains("'model.type'"));
        assertTrue(refusal("/normalizer", "{\"type\": \"Sequence\", \"normalizers\": []}").contains("'normalizer'"));
        assertTrue(refusal("/normalizer", "null").contains("'normalizer'"));
        assertTrue(refusal("/normalizer/clean_text", "false").contains("'normalizer.clean_text'"));
        assertTrue(refusal("/pre_tokenizer", "{\"type\": \"Whitespace\"}").contains("'pre_tokenizer'"));
        assertTrue(refusal("/post_processor", "{\"type\": \"RobertaProcessing\"}").contains("'post_processor'"));
        assertTrue(refusal("/post_processor/single", "[]").contains("'post_processor.single'"));
        assertTrue(refusal("/decoder", "{\"type\": \"ByteLevel\"}").contains("'decoder.type'"));
        assertTrue(refusal("/added_tokens", "[{\"id\": 5, \"content\": \"hello\", \"special\": false}]")
                .contains("'added_tokens[0]'"));
        assertTrue(refusal("/model/vocab", "{}").contains("'model.vocab'"));
        assertTrue(refusal("/model/vocab", "{\"[UNK]\": 0, \"[CLS]\": 7}").contains("'model.vocab.[CLS]'"));
    }

    @Test
    void acceptsBertProcessing() throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(Golden.miniLm().resolve("tokenizer.json").toFile());
        root.set("post_processor", MAPPER.readTree("{\"type\": \"BertProcessing\", \"sep\": [\"[SEP]\", 102], "
                + "\"cls\": [\"[CLS]\", 101]}"));
        Path file = tmp.resolve("tokenizer.json");
        MAPPER.writeValue(file.toFile(), root);
        BertTokenizer t = BertTokenizer.fromTokenizerJson(file);
        assertEquals(101, t.clsId());
        assertEquals(102, t.sepId());
    }

    @Test
    void refusesMalformedJsonAndUnsupportedConfig() throws IOException {
        Path broken = Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": ");
        String m = assertThrows(TokenizerException.class, () -> BertTokenizer.fromPath(broken)).getMessage();
        assertTrue(m.contains("tokenizer.json") && m.contains("not valid JSON") && m.contains("line 1"), m);

        Path folder = Files.createDirectory(tmp.resolve("model"));
        Files.writeString(folder.resolve("vocab.txt"), String.join("\n", SMALL));
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"do_basic_tokenize\": false}");
        String c = assertThrows(TokenizerException.class, () -> BertTokenizer.fromPath(folder)).getMessage();
        assertTrue(c.contains("tokenizer_config.json") && c.contains("do_basic_tokenize"), c);

        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"do_lower_case\": \"yes\"}");
        String l = assertThrows(TokenizerException.class, () -> BertTokenizer.fromPath(folder)).getMessage();
        assertTrue(l.contains("'do_lower_case'") && l.contains("\"yes\""), l);
    }

    @Test
    void configAndSpecialTokensMapAreRead() throws IOException {
        Path folder = Files.createDirectory(tmp.resolve("cased"));
        Files.writeString(folder.resolve("vocab.txt"), String.join("\n", List.of("<pad>", "[UNK]", "[CLS]", "[SEP]",
                "Hello", "hello", "<special>")));
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"model_max_length\": 1e30,"
                + " \"pad_token\": {\"content\": \"<pad>\", \"__type\": \"AddedToken\"}, \"mask_token\": null}");
        Files.writeString(folder.resolve("special_tokens_map.json"),
                "{\"additional_special_tokens\": [\"<special>\"]}");
        BertTokenizer t = BertTokenizer.fromPath(folder);
        assertFalse(t.lowercase());
        assertEquals(TokenizerOptions.UNLIMITED, t.modelMaxLength());
        assertEquals(0, t.padId());
        assertEquals(-1, t.maskId());
        assertEquals(List.of("Hello", "<special>", "hello"), t.tokenize("Hello<special>hello"));
        assertEquals("Hello hello", t.decode(t.encode("Hello<special>hello").inputIds(), true));
    }
}
