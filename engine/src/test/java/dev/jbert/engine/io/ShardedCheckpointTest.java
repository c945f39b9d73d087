package dev.jbert.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedCheckpointTest {
    @TempDir
    Path tmp;

    private static Map<String, Tensor> tensors() {
        Random r = new Random(7);
        Map<String, Tensor> m = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            Tensor t = Tensor.zeros(16 + i, 8); // 512 + 32 i bytes
            for (int k = 0; k < t.size(); k++) {
                t.data()[k] = r.nextFloat();
            }
            m.put("layer." + i + ".weight", t);
        }
        return m;
    }

    @Test
    void shardedRoundTrip() throws IOException {
        Map<String, Tensor> in = tensors();
        List<Path> written = ShardedCheckpoint.write(tmp, in, null, 2000);
        assertEquals(List.of("model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors", "model.safetensors.index.json"),
                written.stream().map(p -> p.getFileName().toString()).toList());

        JsonNode index = new ObjectMapper().readTree(tmp.resolve(Checkpoint.INDEX_FILE).toFile());
        long total = in.values().stream().mapToLong(t -> 4L * t.size()).sum();
        assertEquals(total, index.get("metadata").get("total_size").asLong());
        assertEquals(in.size(), index.get("weight_map").size());

        try (Checkpoint c = Checkpoint.open(tmp)) {
            ShardedCheckpoint s = assertInstanceOf(ShardedCheckpoint.class, c);
            assertEquals(4, s.shardFiles().size());
            assertEquals(in.keySet(), c.names());
            assertEquals(Long.toString(total), c.metadata().get("total_size"));
            for (Map.Entry<String, Tensor> e : in.entrySet()) {
                assertArrayEquals(e.getValue().data(), c.readFloat(e.getKey()).data());
                Tensor into = Tensor.zeros(e.getValue().shape());
                c.readInto(e.getKey(), into);
                assertArrayEquals(e.getValue().data(), into.data());
                assertTrue(c.source(e.getKey()).contains("model-0000"));
            }
            assertThrows(CheckpointException.class, () -> c.readFloat("missing"));
        }

        // saving again as one file removes the shards and the index
        ShardedCheckpoint.write(tmp, in, Map.of("format", "pt"), Long.MAX_VALUE);
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(tmp.resolve("model.safetensors")), files.toList());
        }
        try (Checkpoint c = Checkpoint.open(tmp)) {
            assertInstanceOf(SafeTensorsFile.class, c);
            assertEquals(in.keySet(), c.names());
        }
    }

    private Path shardedFixture() throws IOException {
        ShardedCheckpoint.write(tmp, tensors(), null, 2000);
        return tmp.resolve(Checkpoint.INDEX_FILE);
    }

    private void refusedIndex(String indexJson, String... expected) throws IOException {
        Path index = shardedFixture();
        Files.writeString(index, indexJson);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(index).close());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        }
        assertTrue(e.getMessage().contains(Checkpoint.INDEX_FILE), e.getMessage());
    }

    @Test
    void missingShard() throws IOException {
        Path index = shardedFixture();
        Files.delete(tmp.resolve("model-00002-of-00004.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(tmp).close());
        assertTrue(e.getMessage().contains("model-00002-of-00004.safetensors") && e.getMessage().contains("not found")
                && e.getMessage().startsWith(index.toString()), e.getMessage());
    }

    @Test
    void indexListsATensorTheShardLacks() throws IOException {
        refusedIndex("{\"weight_map\":{\"layer.0.weight\":\"model-00001-of-00004.safetensors\","
                + "\"ghost\":\"model-00001-of-00004.safetensors\"}}", "'ghost'", "does not hold it");
    }

    @Test
    void shardHoldsAnUnlistedTensor() throws IOException {
        refusedIndex("{\"weight_map\":{\"layer.0.weight\":\"model-00001-of-00004.safetensors\"}}",
                "holds tensor 'layer.1.weight'", "does not list");
    }

    @Test
    void malformedIndexes() throws IOException {
        refusedIndex("{\"metadata\":{}}", "missing field 'weight_map'");
        refusedIndex("{\"weight_map\":[]}", "weight_map is an array");
        refusedIndex("{\"weight_map\":{\"a\":3}}", "weight_map entry 'a'", "a number");
        refusedIndex("{\"weight_map\":{}}", "weight_map is empty");
        refusedIndex("[1]", "expected a JSON object");
        refusedIndex("{\"weight_map\":", "not valid JSON");
        refusedIndex("{\"weight_map\":{\"a\":\"../outside.safetensors\"}}", "outside the index's folder");
    }

    @Test
    void singleFileWinsInAFolderLikeHuggingFace() throws IOException {
        shardedFixture();
        SafeTensorsWriter.write(tmp.resolve("model.safetensors"), Map.of("only", Tensor.zeros(1)));
        try (Checkpoint c = Checkpoint.open(tmp)) {
            assertEquals(java.util.Set.of("only"), c.names());
        }
        try (Checkpoint c = Checkpoint.open(tmp.resolve(Checkpoint.INDEX_FILE))) {
            assertFalse(c.contains("only"));
            assertEquals(10, c.names().size());
        }
    }
}
