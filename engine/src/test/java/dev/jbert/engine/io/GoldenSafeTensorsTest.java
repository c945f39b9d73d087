package dev.jbert.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every golden safetensors file reads with the names and shapes that golden/README.md describes. */
class GoldenSafeTensorsTest {
    private static final String[] HEADS = {"single_label", "multi_label", "regression"};
    private static final int[] NUM_LABELS = {3, 5, 1};

    static Path shared() {
        String dir = System.getProperty("jbert.shared.dir");
        boolean present = dir != null && Files.isDirectory(Path.of(dir, "golden"));
        assumeTrue(present, "golden data absent: ../shared/golden not found (jbert.shared.dir=" + dir + ")");
        return Path.of(dir);
    }

    @Test
    void everyGoldenFileOpens() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(shared(), java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertTrue(files.size() >= 26, "expected 24 tiny files, minilm and the MiniLM model, found " + files);
        for (Path f : files) {
            try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
                assertFalse(st.names().isEmpty(), f.toString());
                for (String name : st.names()) {
                    TensorInfo t = st.info(name);
                    if (t.dtype() == DType.F32 && t.numel() < 2_000_000) {
                        assertEquals(t.numel(), st.readFloat(name).size());
                    }
                }
            }
        }
    }

    @Test
    void tinyBertModelNamesAndShapes() {
        for (int h = 0; h < HEADS.length; h++) {
            Path dir = shared().resolve("golden/tiny-bert/" + HEADS[h]);
            int labels = NUM_LABELS[h];
            try (SafeTensorsFile m = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
                assertEquals(41, m.names().size());
                assertEquals(Map.of("format", "pt"), m.metadata());
                shape(m, "bert.embeddings.word_embeddings.weight", 1000, 64);
                shape(m, "bert.embeddings.position_embeddings.weight", 64, 64);
                shape(m, "bert.embeddings.token_type_embeddings.weight", 2, 64);
                shape(m, "bert.embeddings.LayerNorm.weight", 64);
                for (int l = 0; l < 2; l++) {
                    String p = "bert.encoder.layer." + l + ".";
                    for (String qkv : new String[] {"query", "key", "value"}) {
                        shape(m, p + "attention.self." + qkv + ".weight", 64, 64);
                        shape(m, p + "attention.self." + qkv + ".bias", 64);
                    }
                    shape(m, p + "attention.output.dense.weight", 64, 64);
                    shape(m, p + "attention.output.LayerNorm.bias", 64);
                    shape(m, p + "intermediate.dense.weight", 128, 64);
                    shape(m, p + "intermediate.dense.bias", 128);
                    shape(m, p + "output.dense.weight", 64, 128);
                    shape(m, p + "output.LayerNorm.weight", 64);
                }
                shape(m, "bert.pooler.dense.weight", 64, 64);
                shape(m, "classifier.weight", labels, 64);
                shape(m, "classifier.bias", labels);
                assertEquals(139_456 + 65 * labels, totalElements(m));
                assertPadRowZero(m, "bert.embeddings.word_embeddings.weight");
                // independent check (numpy): the first three float bits of the pooler weight
                float[] pooler = m.readFloat("bert.pooler.dense.weight").data();
                assertEquals(1020365710, Float.floatToRawIntBits(pooler[0]));
                assertEquals(3161291146L, Integer.toUnsignedLong(Float.floatToRawIntBits(pooler[1])));
                assertEquals(1020140053, Float.floatToRawIntBits(pooler[2]));
            }
            checkForward(dir, labels, true);
            checkGradsAndTrained(dir);
        }
    }

    @Test
    void tinyDistilbertModelNamesAndShapes() {
        for (int h = 0; h < HEADS.length; h++) {
            Path dir = shared().resolve("golden/tiny-distilbert/" + HEADS[h]);
            int labels = NUM_LABELS[h];
            try (SafeTensorsFile m = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
                assertEquals(40, m.names().size());
                shape(m, "distilbert.embeddings.word_embeddings.weight", 1000, 64);
                shape(m, "distilbert.embeddings.position_embeddings.weight", 64, 64);
                assertFalse(m.names().stream().anyMatch(n -> n.contains("token_type")));
                for (int l = 0; l < 2; l++) {
                    String p = "distilbert.transformer.layer." + l + ".";
                    for (String lin : new String[] {"q_lin", "k_lin", "v_lin", "out_lin"}) {
                        shape(m, p + "attention." + lin + ".weight", 64, 64);
                        shape(m, p + "attention." + lin + ".bias", 64);
                    }
                    shape(m, p + "sa_layer_norm.weight", 64);
                    shape(m, p + "ffn.lin1.weight", 128, 64);
                    shape(m, p + "ffn.lin2.weight", 64, 128);
                    shape(m, p + "ffn.lin2.bias", 64);
                    shape(m, p + "output_layer_norm.bias", 64);
                }
                shape(m, "pre_classifier.weight", 64, 64);
                shape(m, "pre_classifier.bias", 64);
                shape(m, "classifier.weight", labels, 64);
                assertEquals(135_168 + 4160 + 65 * labels, totalElements(m));
                assertPadRowZero(m, "distilbert.embeddings.word_embeddings.weight");
            }
            checkForward(dir, labels, false);
            checkGradsAndTrained(dir);
        }
    }

    private static void checkForward(Path dir, int labels, boolean bert) {
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("forward.safetensors"))) {
            assertEquals(bert ? 8 : 7, f.names().size(), f.names().toString());
            for (int i = 0; i <= 2; i++) {
                shape(f, "hidden_states." + i, 3, 12, 64);
            }
            shape(f, "attentions.0", 3, 4, 12, 12);
            shape(f, "attentions.1", 3, 4, 12, 12);
            shape(f, "last_hidden_state", 3, 12, 64);
            shape(f, "logits", 3, labels);
            assertEquals(bert, f.contains("pooler_output"));
            if (bert) {
                shape(f, "pooler_output", 3, 64);
            }
            // README: last_hidden_state = hidden_states.2
            assertArrayEquals(f.readFloat("hidden_states.2").data(), f.readFloat("last_hidden_state").data());
        }
    }

    private static void checkGradsAndTrained(Path dir) {
        try (SafeTensorsFile m = SafeTensorsFile.open(dir.resolve("model.safetensors"));
             SafeTensorsFile g = SafeTensorsFile.open(dir.resolve("grads.safetensors"));
             SafeTensorsFile t = SafeTensorsFile.open(dir.resolve("trained.safetensors"))) {
            TreeSet<String> expected = new TreeSet<>(m.names());
            expected.add("embedding_output");
            assertEquals(expected, g.names());
            assertEquals(m.names(), t.names());
            for (String n : m.names()) {
                assertArrayEquals(m.info(n).shape(), g.info(n).shape(), n);
                assertArrayEquals(m.info(n).shape(), t.info(n).shape(), n);
            }
            shape(g, "embedding_output", 3, 12, 64);
        }
    }

    @Test
    void encodersAreIdenticalAcrossHeads() {
        for (String kind : new String[] {"tiny-bert", "tiny-distilbert"}) {
            Path base = shared().resolve("golden/" + kind);
            try (SafeTensorsFile a = SafeTensorsFile.open(base.resolve("single_label/model.safetensors"));
                 SafeTensorsFile b = SafeTensorsFile.open(base.resolve("regression/model.safetensors"))) {
                for (String n : a.names()) {
                    if (!n.contains("classifier")) {
                        assertArrayEquals(a.readFloat(n).data(), b.readFloat(n).data(), kind + " " + n);
                    }
                }
            }
        }
    }

    @Test
    void miniLmModel() {
        Path file = shared().resolve("models/all-MiniLM-L6-v2/model.safetensors");
        assumeTrue(Files.exists(file), "MiniLM model absent: " + file);
        try (Checkpoint m = Checkpoint.open(file.getParent())) {
            assertEquals(103, m.names().size());
            assertEquals(22_713_216L, m.names().stream().mapToLong(n -> m.info(n).numel()).sum());
            assertFalse(m.contains("embeddings.position_ids"));
            assertTrue(m.names().stream().noneMatch(n -> n.startsWith("bert.")));
            shapeOf(m, "embeddings.word_embeddings.weight", 30522, 384);
            shapeOf(m, "embeddings.position_embeddings.weight", 512, 384);
            shapeOf(m, "embeddings.token_type_embeddings.weight", 2, 384);
            shapeOf(m, "pooler.dense.weight", 384, 384);
            for (int l = 0; l < 6; l++) {
                shapeOf(m, "encoder.layer." + l + ".intermediate.dense.weight", 1536, 384);
                shapeOf(m, "encoder.layer." + l + ".output.dense.weight", 384, 1536);
            }
            assertEquals(147_840L, m.info("pooler.dense.weight").numel() + m.info("pooler.dense.bias").numel());
            // independent check (numpy): bits of the first two and the last element
            float[] w = new float[384 * 1536];
            m.readFloatInto("encoder.layer.5.output.dense.weight", w);
            assertEquals(3177684260L, Integer.toUnsignedLong(Float.floatToRawIntBits(w[0])));
            assertEquals(1008852725, Float.floatToRawIntBits(w[1]));
            assertEquals(983662438, Float.floatToRawIntBits(w[w.length - 1]));
            Tensor words = Tensor.zeros(30522, 384);
            m.readInto("embeddings.word_embeddings.weight", words);
            assertEquals(words.get(30521, 383), m.readFloat("embeddings.word_embeddings.weight").get(30521, 383));
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> m.readInto("pooler.dense.weight", Tensor.zeros(384, 383)));
            assertTrue(e.getMessage().contains("pooler.dense.weight") && e.getMessage().contains("[384, 384]")
                    && e.getMessage().contains("[384, 383]"), e.getMessage());
        }
    }

    @Test
    void miniLmGoldenMixedDtypes() throws IOException {
        Path dir = shared().resolve("golden/minilm");
        try (SafeTensorsFile g = SafeTensorsFile.open(dir.resolve("golden.safetensors"))) {
            assertEquals("pt", g.metadata().get("format"));
            assertTrue(g.metadata().get("source").contains("onnxruntime"));
            for (String n : new String[] {"input_ids", "attention_mask", "token_type_ids"}) {
                assertEquals(DType.I64, g.info(n).dtype());
                assertArrayEquals(new int[] {16, 59}, g.info(n).shape());
            }
            assertEquals(DType.F32, g.info("last_hidden_state").dtype());
            shape(g, "last_hidden_state", 16, 59, 384);
            shape(g, "pooler_output", 16, 384);
            shape(g, "sentence_embedding", 16, 384);

            JsonNode inputs = new ObjectMapper().readTree(dir.resolve("inputs.json").toFile());
            long[] ids = g.readLong("input_ids");
            long[] mask = g.readLong("attention_mask");
            for (int r = 0; r < 16; r++) {
                for (int c = 0; c < 59; c++) {
                    assertEquals(inputs.get("input_ids").get(r).get(c).longValue(), ids[r * 59 + c]);
                    assertEquals(inputs.get("attention_mask").get(r).get(c).longValue(), mask[r * 59 + c]);
                }
            }
            CheckpointException e = assertThrows(CheckpointException.class, () -> g.readFloat("input_ids"));
            assertTrue(e.getMessage().contains("input_ids") && e.getMessage().contains("I64"), e.getMessage());
            e = assertThrows(CheckpointException.class, () -> g.readLong("pooler_output"));
            assertTrue(e.getMessage().contains("pooler_output") && e.getMessage().contains("F32"), e.getMessage());
            e = assertThrows(CheckpointException.class, () -> g.info("nope"));
            assertTrue(e.getMessage().contains("golden.safetensors") && e.getMessage().contains("'nope'"), e.getMessage());
        }
    }

    /** Our writer reproduces save_pretrained's file (written by the Rust library) byte for byte. */
    @Test
    void writerReproducesHuggingFaceFileByteForByte(@TempDir Path tmp) throws IOException {
        for (String kind : new String[] {"tiny-bert", "tiny-distilbert"}) {
            for (String head : HEADS) {
                Path golden = shared().resolve("golden/" + kind + "/" + head + "/model.safetensors");
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                try (SafeTensorsFile m = SafeTensorsFile.open(golden)) {
                    List<String> reversed = new ArrayList<>(m.names()).reversed();
                    for (String n : reversed) {
                        tensors.put(n, m.readFloat(n));
                    }
                }
                Path out = tmp.resolve(kind + "-" + head + ".safetensors");
                SafeTensorsWriter.write(out, tensors);
                assertArrayEquals(Files.readAllBytes(golden), Files.readAllBytes(out), golden.toString());
            }
        }
    }

    private static long totalElements(Checkpoint c) {
        return c.names().stream().mapToLong(n -> c.info(n).numel()).sum();
    }

    private static void assertPadRowZero(Checkpoint c, String name) {
        Tensor w = c.readFloat(name);
        for (int j = 0; j < w.dim(1); j++) {
            assertEquals(0f, w.get(0, j), name + " pad row");
        }
        assertTrue(w.get(1, 0) != 0f);
    }

    private static void shape(Checkpoint c, String name, int... shape) {
        shapeOf(c, name, shape);
    }

    private static void shapeOf(Checkpoint c, String name, int... shape) {
        assertTrue(c.contains(name), "missing " + name);
        TensorInfo t = c.info(name);
        assertEquals(DType.F32, t.dtype(), name);
        assertArrayEquals(shape, t.shape(), name + " has shape " + t.shapeString());
    }
}
