package dev.jbert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learning on real data, kept small for the test suite: all-MiniLM-L6-v2 fine-tuned on 48 rows of
 * SST-2 for two epochs (12 steps). The loss on those rows must go down from the untrained head's, and
 * the output folder must load again and predict.
 */
class TrainMiniLmTest {
    @TempDir
    Path tmp;

    @Test
    void fineTunesMiniLmOnSst2Rows() throws Exception {
        Path model = Shared.require("models/all-MiniLM-L6-v2");
        Path sst2 = Shared.require("data/sst2/train.csv");
        List<String> lines = Files.readAllLines(sst2);
        Path rows = tmp.resolve("rows.csv");
        Files.write(rows, lines.subList(0, 49)); // header + 48 rows

        TrainCli.Run before = TrainCli.run("eval", "--model", model.toString(), "--data", rows.toString(),
                "--max-length", "64", "--batch-size", "16");
        assertEquals(0, before.status(), before.err());
        double initialLoss = TrainFixtures.json(before.out()).get("loss").asDouble();

        Path out = tmp.resolve("out");
        TrainCli.Run r = TrainCli.run("train", "--model", model.toString(), "--train", rows.toString(), "--validation",
                rows.toString(), "--output", out.toString(), "--epochs", "2", "--learning-rate", "1e-4",
                "--max-length", "64", "--eval-batch-size", "16", "--logging-steps", "6", "--save-strategy", "no");
        assertEquals(0, r.status(), r.err());
        JsonNode summary = TrainFixtures.json(r.out());
        double finalLoss = summary.get("eval_loss").asDouble();
        assertTrue(finalLoss < initialLoss, "eval loss " + initialLoss + " -> " + finalLoss);
        List<JsonNode> log = TrainFixtures.jsonLines(out.resolve("training_log.jsonl"));
        assertTrue(log.get(1).get("loss").asDouble() < log.get(0).get("loss").asDouble(),
                "training loss of the second epoch below the first: " + log);

        TrainCli.Run p = TrainCli.run("predict", "--model", out.toString(), "--text", "a wonderful, moving film",
                "--text", "dull and lifeless");
        assertEquals(0, p.status(), p.err());
        List<String> predictions = p.out().lines().toList();
        assertEquals(2, predictions.size());
        for (String l : predictions) {
            JsonNode top = TrainFixtures.json(l).get(0);
            assertTrue(List.of("0", "1").contains(top.get("label").asText()), l);
        }
    }
}
