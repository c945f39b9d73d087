package dev.jbert.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.io.SafeTensorsFile;
import dev.jbert.engine.io.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Importing the built-in all-MiniLM-L6-v2 ONNX reproduces {@code ../shared/models/all-MiniLM-L6-v2}
 * (converted independently with Python): the same tensors bit for bit, the same vocab.txt bytes,
 * the same config values. Skipped, visibly, where ../shared is absent.
 */
class OnnxBuiltinImportTest {
    @TempDir
    static Path out;
    static ImportResult result;

    @BeforeAll
    static void importOnce() {
        result = OnnxImporter.importBuiltin("all-MiniLM-L6-v2", out);
    }

    private static Path shared() {
        String dir = System.getProperty("jbert.shared.dir");
        Path model = dir == null ? null : Path.of(dir, "models", "all-MiniLM-L6-v2");
        assumeTrue(model != null && Files.isDirectory(model),
                "../shared/models/all-MiniLM-L6-v2 is absent (jbert.shared.dir=" + dir + "): comparison skipped");
        return model;
    }

    @Test
    void writesTheModelFolder() {
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "vocab.txt",
                "tokenizer_config.json", "special_tokens_map.json"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertEquals(103, result.tensorCount());
        assertEquals(22_713_216L, result.parameterCount());
        assertTrue(result.warnings().isEmpty(), result.warnings().toString());
        assertTrue(result.skipped().stream().anyMatch(s -> s.startsWith("embeddings.position_ids")), result.skipped().toString());
    }

    @Test
    void weightsAreBitIdenticalToShared() {
        Path shared = shared();
        try (SafeTensorsFile expected = SafeTensorsFile.open(shared.resolve("model.safetensors"));
             SafeTensorsFile actual = SafeTensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(expected.names(), actual.names());
            assertEquals(Map.of("format", "pt"), actual.metadata());
            for (String name : expected.names()) {
                TensorInfo e = expected.info(name);
                TensorInfo a = actual.info(name);
                assertArrayEquals(e.shape(), a.shape(), name);
                assertEquals(e.dtype(), a.dtype(), name);
                float[] ev = expected.readFloat(name).data();
                float[] av = actual.readFloat(name).data();
                for (int i = 0; i < ev.length; i++) {
                    if (Float.floatToRawIntBits(ev[i]) != Float.floatToRawIntBits(av[i])) {
                        throw new AssertionError(name + "[" + i + "]: expected " + ev[i] + ", got " + av[i]);
                    }
                }
            }
        }
    }

    @Test
    void vocabularyAndTokenizerJsonAreByteIdenticalToShared() throws Exception {
        Path shared = shared();
        assertArrayEquals(Files.readAllBytes(shared.resolve("vocab.txt")), Files.readAllBytes(out.resolve("vocab.txt")));
        assertArrayEquals(Files.readAllBytes(shared.resolve("tokenizer.json")),
                Files.readAllBytes(out.resolve("tokenizer.json")));
    }

    @Test
    void configHasEveryValueOfShared() throws Exception {
        assertSameValues(shared().resolve("config.json"), out.resolve("config.json"));
        // and is written as Hugging Face writes it
        assertEquals(Files.readString(shared().resolve("config.json")), Files.readString(out.resolve("config.json")));
    }

    @Test
    void tokenizerConfigHasEveryValueOfShared() throws Exception {
        assertSameValues(shared().resolve("tokenizer_config.json"), out.resolve("tokenizer_config.json"));
    }

    private static void assertSameValues(Path expectedFile, Path actualFile) throws Exception {
        JsonNode expected = HfJson.MAPPER.readTree(expectedFile.toFile());
        JsonNode actual = HfJson.MAPPER.readTree(actualFile.toFile());
        for (Map.Entry<String, JsonNode> e : expected.properties()) {
            JsonNode a = actual.get(e.getKey());
            assertTrue(a != null, actualFile.getFileName() + " lacks '" + e.getKey() + "'");
            if (e.getValue().isNumber()) {
                assertTrue(a.isNumber(), e.getKey() + ": " + a);
                assertEquals(e.getValue().doubleValue(), a.doubleValue(), 0.0, e.getKey());
                assertEquals(e.getValue().isIntegralNumber(), a.isIntegralNumber(), e.getKey() + " integer-ness");
            } else {
                assertEquals(e.getValue(), a, e.getKey());
            }
        }
    }
}
