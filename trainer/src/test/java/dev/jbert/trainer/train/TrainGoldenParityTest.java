package dev.jbert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.testing.Golden;
import dev.jbert.engine.testing.Shared;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Must-show: {@code jbert train} through the real command reproduces Hugging Face's 10-step
 * trajectory ({@code results.json}: loss, lr, grad norm per step in {@code training_log.jsonl}) and
 * its trained weights ({@code trained.safetensors}, in the output's {@code model.safetensors}) for
 * all six golden cases, with the golden hyper-parameters: lr 5e-4, weight decay 0.01, 3 warm-up
 * steps, 10 steps, batch size 3 (one batch padded to its longest, 12), dropout off, no shuffling,
 * max grad norm 1. Tolerances from ../shared/golden/README.md.
 */
class TrainGoldenParityTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        return Stream.of("tiny-bert", "tiny-distilbert").flatMap(kind ->
                Stream.of("single_label", "multi_label", "regression").map(head -> Arguments.of(kind, head)));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void reproducesTheGoldenTrajectoryAndWeights(String kind, String head) throws Exception {
        Path golden = Shared.require("golden/" + kind + "/" + head);
        Path model = TrainFixtures.goldenModel(golden, tmp.resolve("model"));
        Path rows = TrainFixtures.goldenRows(golden.getParent().resolve("inputs.json"), head, tmp.resolve("train.jsonl"));
        Path out = tmp.resolve("out");
        TrainCli.Run r = TrainCli.run("train", "--model", model.toString(), "--train", rows.toString(),
                "--output", out.toString(), "--learning-rate", "5e-4", "--weight-decay", "0.01", "--warmup-steps", "3",
                "--max-steps", "10", "--batch-size", "3", "--dropout", "0", "--no-shuffle", "--logging-steps", "1",
                "--max-grad-norm", "1", "--save-strategy", "no");
        assertEquals(0, r.status(), r.err());

        JsonNode results = Golden.json(golden.resolve("results.json"));
        JsonNode trajectory = results.get("trajectory");
        List<JsonNode> log = TrainFixtures.jsonLines(out.resolve("training_log.jsonl"));
        assertEquals(trajectory.size(), log.size(), "one log line per step");
        for (int s = 0; s < trajectory.size(); s++) {
            JsonNode want = trajectory.get(s);
            JsonNode have = log.get(s);
            assertEquals(s + 1, have.get("step").asInt(), "step");
            assertEquals(want.get("loss").asDouble(), have.get("loss").asDouble(), 1e-6, "loss at step " + s);
            double lr = want.get("lr").asDouble();
            assertEquals(lr, have.get("learning_rate").asDouble(), 1e-9 * Math.abs(lr), "lr at step " + s);
            double norm = want.get("grad_norm").asDouble();
            assertEquals(norm, have.get("grad_norm").asDouble(), 1e-5 * norm, "grad norm at step " + s);
            assertEquals(s + 1.0, have.get("epoch").asDouble(), 1e-12, "one batch per epoch");
        }
        try (Checkpoint trained = Checkpoint.open(golden.resolve("trained.safetensors"));
             Checkpoint mine = Checkpoint.open(out.resolve("model.safetensors"))) {
            assertEquals(trained.names(), mine.names(), "the same tensors under the same names");
            for (String name : trained.names()) {
                Golden.assertClose(trained, name, mine.readFloat(name).data(), 5e-5);
            }
        }
        JsonNode config = Golden.json(out.resolve("config.json"));
        String arch = kind.equals("tiny-bert") ? "BertForSequenceClassification" : "DistilBertForSequenceClassification";
        assertEquals(arch, config.get("architectures").get(0).asText());
        assertEquals(results.get("problem_type").asText(), config.get("problem_type").asText());
        assertEquals(results.get("num_labels").asInt(), config.get("id2label").size());
        JsonNode summary = TrainFixtures.json(r.out());
        assertEquals(10, summary.get("global_step").asInt());
        assertTrue(summary.get("train_loss").asDouble() > 0);
    }
}
