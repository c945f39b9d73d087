package dev.jbert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.testing.Golden;
import dev.jbert.engine.testing.Shared;
import dev.jbert.trainer.train.TrainCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code jbert inspect} end to end against the golden files. */
class InspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static TrainCli.Run run(String... args) {
        return TrainCli.run(args);
    }

    private Path batchFile(Path golden, String head) throws Exception {
        JsonNode in = JSON.readTree(golden.resolve("inputs.json").toFile());
        ObjectNode batch = JSON.createObjectNode();
        for (String k : new String[] {"input_ids", "attention_mask", "token_type_ids"}) {
            if (in.has(k)) {
                batch.set(k, in.get(k));
            }
        }
        Path f = tmp.resolve("batch.json");
        JSON.writeValue(f.toFile(), batch);
        ObjectNode labels = JSON.createObjectNode();
        labels.set("labels", in.get("labels").get(head));
        JSON.writeValue(tmp.resolve("labels.json").toFile(), labels);
        return f;
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"tiny-bert,single_label", "tiny-bert,multi_label", "tiny-distilbert,regression",
        "tiny-distilbert,single_label"})
    void writesGoldenForwardAndGradients(String kind, String head) throws Exception {
        Path dir = Shared.require("golden/" + kind + "/" + head);
        Path batch = batchFile(dir.getParent(), head);
        Path out = tmp.resolve("out.safetensors");
        TrainCli.Run r = run("inspect", "--model", dir.toString(), "--input", batch.toString(), "--output", out.toString(),
                "--labels", tmp.resolve("labels.json").toString(), "--grads");
        assertEquals(0, r.status(), r.err());
        try (Checkpoint mine = Checkpoint.open(out); Checkpoint fwd = Checkpoint.open(dir.resolve("forward.safetensors"));
             Checkpoint grads = Checkpoint.open(dir.resolve("grads.safetensors"))) {
            for (String name : fwd.names()) {
                double tol = name.startsWith("attentions") || name.equals("logits") || name.equals("pooler_output") ? 1e-6 : 1e-5;
                Golden.assertClose(fwd, name, mine.readFloat(name).data(), tol);
                assertEquals(java.util.Arrays.toString(fwd.info(name).shape()), java.util.Arrays.toString(mine.info(name).shape()), name);
            }
            JsonNode results = JSON.readTree(dir.resolve("results.json").toFile());
            assertEquals(results.get("loss").asDouble(), mine.readFloat("loss").data()[0], 1e-6);
            for (String name : grads.names()) {
                String mineName = "grad." + name;
                assertTrue(mine.contains(mineName), "missing " + mineName);
                float[] w = grads.readFloat(name).data();
                double tol = name.contains("key.bias") || name.contains("k_lin.bias") ? 1e-9
                        : name.equals("embedding_output") ? 1e-7 : 1e-3 * Golden.maxAbs(w, w.length) + 1e-9;
                Golden.assertClose(grads, name, mine.readFloat(mineName).data(), Math.max(tol, 1e-9));
            }
        }
    }

    @Test
    void badInputIsOneClearLine() throws Exception {
        Path dir = Shared.require("golden/tiny-bert/single_label");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"input_ids\": [[101, 5000, 102]]}");
        TrainCli.Run r = run("inspect", "--model", dir.toString(), "--input", bad.toString(), "--output", tmp.resolve("o.safetensors").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("input_ids[0][1] = 5000"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Files.writeString(bad, "{\"input_ids\": [[101, 5, 102], [101]]}");
        r = run("inspect", "--model", dir.toString(), "--input", bad.toString(), "--output", tmp.resolve("o.safetensors").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("row 1"), r.err());
        Files.writeString(bad, "{\"input_ids\": [[101, 5, 102]");
        r = run("inspect", "--model", dir.toString(), "--input", bad.toString(), "--output", tmp.resolve("o.safetensors").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("not valid JSON"), r.err());
        r = run("inspect", "--model", tmp.resolve("nope").toString(), "--input", bad.toString(), "--output", tmp.resolve("o.safetensors").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("not a model folder"), r.err());
        assertTrue(!Files.exists(tmp.resolve("o.safetensors")), "nothing written on error");
    }
}
