package dev.jbert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.testing.Golden;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient accumulation: two micro-batches of 2 rows, each loss scaled by 1/2, give the step a batch of
 * 4 rows gives (the same gradient up to float rounding, so the same loss log and weights).
 */
class TrainGradientAccumulationTest {
    @TempDir
    Path tmp;

    @Test
    void accumulatedMicroBatchesEqualOneLargerBatch() throws Exception {
        Path model = TrainFixtures.tinyModel(tmp.resolve("model"), ModelType.DISTILBERT, 5);
        Path train = TrainFixtures.sentimentCsv(tmp.resolve("train.csv"), 8, 4);
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        for (Object[] run : new Object[][] {{one, "4", "1"}, {two, "2", "2"}}) {
            TrainCli.Run r = TrainCli.run("train", "--model", model.toString(), "--train", train.toString(),
                    "--output", run[0].toString(), "--batch-size", (String) run[1], "--gradient-accumulation-steps",
                    (String) run[2], "--max-steps", "4", "--no-shuffle", "--dropout", "0", "--learning-rate", "1e-3",
                    "--logging-steps", "1", "--save-strategy", "no");
            assertEquals(0, r.status(), r.err());
        }
        List<JsonNode> a = TrainFixtures.jsonLines(one.resolve("training_log.jsonl"));
        List<JsonNode> b = TrainFixtures.jsonLines(two.resolve("training_log.jsonl"));
        assertEquals(4, a.size());
        assertEquals(4, b.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(a.get(i).get("loss").asDouble(), b.get(i).get("loss").asDouble(), 1e-6, "loss of step " + i);
            assertEquals(a.get(i).get("grad_norm").asDouble(), b.get(i).get("grad_norm").asDouble(),
                    1e-5 * a.get(i).get("grad_norm").asDouble(), "grad norm of step " + i);
            assertEquals(a.get(i).get("epoch").asDouble(), b.get(i).get("epoch").asDouble(), 1e-12);
        }
        try (Checkpoint wa = Checkpoint.open(one.resolve("model.safetensors"));
             Checkpoint wb = Checkpoint.open(two.resolve("model.safetensors"))) {
            for (String name : wa.names()) {
                Golden.assertClose(wa, name, wb.readFloat(name).data(), 1e-5);
            }
        }
    }
}
