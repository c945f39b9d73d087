package dev.jbert.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.io.SafeTensorsFile;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imports small hand-built BERT graphs and checks every name, shape, value and config field. */
class OnnxTinyImportTest {
    static final String TOKENIZER_JSON = """
            {"version": "1.0", "truncation": null,
             "padding": {"strategy": "BatchLongest", "pad_id": 0, "pad_token": "[PAD]"},
             "added_tokens": [{"id": 0, "content": "[PAD]", "special": true}, {"id": 4, "content": "[MASK]", "special": true}],
             "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                            "strip_accents": null, "lowercase": true},
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "post_processor": {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                          {"SpecialToken": {"id": "[SEP]", "type_id": 0}}]},
             "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                       "max_input_chars_per_word": 100,
                       "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4, "a": 5, "b": 6, "c": 7,
                                 "d": 8, "e": 9, "f": 10, "g": 11, "h": 12, "i": 13, "j": 14, "##a": 15, "##b": 16,
                                 "##c": 17, "é": 18, "zz": 19}}}
            """;

    @TempDir
    Path dir;

    @Test
    void mapsEveryWeightToItsHuggingFaceNameAndLayout() throws Exception {
        TinyBertOnnx tiny = new TinyBertOnnx();
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, tiny.build());
        Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER_JSON);
        Path out = dir.resolve("out");
        List<String> log = new ArrayList<>();
        ImportResult result = new OnnxImporter(log::add).convert(onnx, null, out);

        assertEquals(tiny.expected.size(), result.tensorCount());
        assertTrue(result.warnings().isEmpty(), result.warnings().toString());
        assertEquals(List.of("embeddings.position_ids (INT64 [1, 16], not a float parameter)"), result.skipped());
        assertFalse(log.isEmpty());
        try (SafeTensorsFile st = SafeTensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(new TreeSet<>(tiny.expected.keySet()), st.names());
            assertEquals(Map.of("format", "pt"), st.metadata());
            for (Map.Entry<String, float[]> e : tiny.expected.entrySet()) {
                assertArrayEquals(tiny.expectedShapes.get(e.getKey()), st.info(e.getKey()).shape(), e.getKey());
                assertArrayEquals(e.getValue(), st.readFloat(e.getKey()).data(), 0f, e.getKey());
            }
        }
        JsonNode config = HfJson.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("BertModel", config.path("architectures").path(0).asText());
        assertEquals(20, config.path("vocab_size").asInt());
        assertEquals(8, config.path("hidden_size").asInt());
        assertEquals(2, config.path("num_hidden_layers").asInt());
        assertEquals(2, config.path("num_attention_heads").asInt());
        assertEquals(12, config.path("intermediate_size").asInt());
        assertEquals(16, config.path("max_position_embeddings").asInt());
        assertEquals(2, config.path("type_vocab_size").asInt());
        assertEquals(1e-12, config.path("layer_norm_eps").asDouble(), 0.0);
        assertEquals("gelu", config.path("hidden_act").asText());
        assertEquals(0, config.path("pad_token_id").asInt());

        List<String> vocab = Files.readAllLines(out.resolve("vocab.txt"), StandardCharsets.UTF_8);
        assertEquals(20, vocab.size());
        assertEquals("[PAD]", vocab.get(0));
        assertEquals("é", vocab.get(18));
        assertTrue(Files.readString(out.resolve("vocab.txt")).endsWith("zz\n"));
        JsonNode tc = HfJson.MAPPER.readTree(out.resolve("tokenizer_config.json").toFile());
        assertEquals("BertTokenizer", tc.path("tokenizer_class").asText());
        assertTrue(tc.path("do_lower_case").asBoolean());
        assertTrue(tc.path("strip_accents").isNull());
        assertEquals("[CLS]", tc.path("cls_token").asText());
        assertEquals("[SEP]", tc.path("sep_token").asText());
        assertEquals(16, tc.path("model_max_length").asInt());
        JsonNode special = HfJson.MAPPER.readTree(out.resolve("special_tokens_map.json").toFile());
        assertEquals("[MASK]", special.path("mask_token").asText());
        assertEquals("[UNK]", special.path("unk_token").asText());
        // written the way Hugging Face writes JSON
        assertTrue(Files.readString(out.resolve("config.json")).contains("\n  \"hidden_size\": 8,\n"));
        // no temporary files left behind
        try (var files = Files.list(out)) {
            assertEquals(6, files.count());
        }
    }

    @Test
    void readsHeadsFromAShapeInitializerAndOtherEpsilons() throws Exception {
        TinyBertOnnx tiny = new TinyBertOnnx();
        tiny.headsInInitializer = true;
        tiny.heads = 4;
        tiny.eps = 1e-5f;
        Path out = dir.resolve("out");
        ImportResult result = OnnxImporter.importModel(new ByteArrayInputStream(tiny.build()), out);
        assertEquals(4, result.config().path("num_attention_heads").asInt());
        assertEquals(1e-5, result.config().path("layer_norm_eps").asDouble(), 0.0);
        assertFalse(Files.exists(out.resolve("vocab.txt")));
        assertTrue(result.warnings().stream().anyMatch(w -> w.contains("no tokenizer.json")), result.warnings().toString());
    }

    @Test
    void findsTheTokenizerInTheFolderAbove() throws Exception {
        Files.createDirectories(dir.resolve("onnx"));
        Path onnx = dir.resolve("onnx/model.onnx");
        Files.write(onnx, new TinyBertOnnx().build());
        Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER_JSON);
        ImportResult result = OnnxImporter.importModel(onnx, dir.resolve("out"));
        assertTrue(Files.isRegularFile(dir.resolve("out/vocab.txt")));
        assertTrue(result.warnings().isEmpty(), result.warnings().toString());
    }

    @Test
    void theCommandPrintsAJsonSummaryOnStdoutAndProgressOnStderr() throws Exception {
        Path onnx = dir.resolve("tiny.onnx");
        Files.write(onnx, new TinyBertOnnx().build());
        Path tok = dir.resolve("elsewhere.json");
        Files.writeString(tok, TOKENIZER_JSON);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = dev.jbert.cli.Cli.commandLine(new dev.jbert.cli.ImportOnnxCommand());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int status = cl.execute(onnx.toString(), "--tokenizer", tok.toString(), "--output", dir.resolve("m").toString());
        assertEquals(0, status, err.toString());
        JsonNode summary = HfJson.MAPPER.readTree(out.toString());
        assertEquals(onnx.toString(), summary.path("source").asText());
        assertEquals(6, summary.path("files").size());
        assertEquals(8, summary.path("config").path("hidden_size").asInt());
        assertTrue(err.toString().contains("parsed "), err.toString());
        assertTrue(Files.isRegularFile(dir.resolve("m/vocab.txt")));
    }
}
