package dev.jbert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.config.ModelType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Must-show: a run stopped after a checkpoint and resumed ends with byte-identical weights to the
 * uninterrupted run, with everything that makes that hard switched on: dropout (masks from the
 * saved counter), shuffling (orders from the saved data seed and position), gradient accumulation
 * with a short last step per epoch, warm-up and decay, and evaluations in between. A checkpoint write
 * killed half-way (a {@code tmp-checkpoint-*} folder with a truncated file) is ignored and removed, and
 * the complete checkpoints before it are used.
 */
class TrainResumeTest {
    @TempDir
    Path tmp;

    private List<String> args(Path model, Path train, Path validation, Path out, int saveSteps) {
        return new ArrayList<>(List.of("train", "--model", model.toString(), "--train", train.toString(),
                "--validation", validation.toString(), "--output", out.toString(), "--batch-size", "4",
                "--gradient-accumulation-steps", "2", "--epochs", "3", "--learning-rate", "1e-3",
                "--warmup-ratio", "0.2", "--weight-decay", "0.01", "--logging-steps", "1", "--eval-strategy", "steps",
                "--eval-steps", "2", "--save-steps", Integer.toString(saveSteps), "--seed", "7"));
    }

    private static TrainCli.Run run(List<String> args) {
        TrainCli.Run r = TrainCli.run(args.toArray(new String[0]));
        assertEquals(0, r.status(), r.err());
        return r;
    }

    @ParameterizedTest(name = "checkpoint every {0} steps, stopped after step {1}")
    @CsvSource({"2, 5", "3, 7"})
    void resumedRunEndsWithTheSameWeights(int saveSteps, int stopAfter) throws Exception {
        Path model = TrainFixtures.tinyModel(tmp.resolve("model"), ModelType.BERT, 3);
        Path train = TrainFixtures.sentimentCsv(tmp.resolve("train.csv"), 22, 1);
        Path validation = TrainFixtures.sentimentCsv(tmp.resolve("dev.csv"), 8, 2);

        Path whole = tmp.resolve("whole");
        run(args(model, train, validation, whole, saveSteps));

        Path parts = tmp.resolve("parts");
        List<String> first = args(model, train, validation, parts, saveSteps);
        first.addAll(List.of("--debug-interrupt-after-step", Integer.toString(stopAfter)));
        run(first);
        assertFalse(Files.exists(parts.resolve("model.safetensors")), "an interrupted run writes no final model");
        int lastSaved = stopAfter / saveSteps * saveSteps;
        Path kept = parts.resolve("checkpoint-" + lastSaved);
        assertTrue(Files.isRegularFile(kept.resolve("trainer_state.json")), "checkpoint-" + lastSaved);
        byte[] keptWeights = Files.readAllBytes(kept.resolve("model.safetensors"));

        // a write of the next checkpoint killed half-way
        Path broken = parts.resolve("tmp-checkpoint-" + (lastSaved + saveSteps));
        Files.createDirectories(broken);
        Files.write(broken.resolve("model.safetensors"), java.util.Arrays.copyOf(keptWeights, keptWeights.length / 3));
        Files.copy(kept.resolve("config.json"), broken.resolve("config.json"));
        assertEquals(kept, new CheckpointStore(parts).latest(), "a half-written folder is no checkpoint");

        List<String> second = args(model, train, validation, parts, saveSteps);
        second.add("--resume");
        TrainCli.Run resumed = run(second);
        assertTrue(resumed.err().contains("resuming from " + kept), resumed.err());
        assertFalse(Files.exists(broken), "the leftover is removed");

        byte[] expected = Files.readAllBytes(whole.resolve("model.safetensors"));
        byte[] actual = Files.readAllBytes(parts.resolve("model.safetensors"));
        assertArrayEquals(expected, actual, () -> "byte-identical weights: " + firstDifference(expected, actual));
        assertEquals(trainingSteps(whole), trainingSteps(parts), "the same training log");
        JsonNode state = TrainFixtures.json(Files.readString(parts.resolve("trainer_state.json")));
        assertEquals(9, state.get("global_step").asInt());
        assertEquals(3.0, state.get("epoch").asDouble(), 1e-12);
    }

    /** Which tensor of two safetensors files differs first, and by how much (for the failure message). */
    private static String firstDifference(byte[] a, byte[] b) {
        int i = 0;
        while (i < Math.min(a.length, b.length) && a[i] == b[i]) {
            i++;
        }
        long headerLength = java.nio.ByteBuffer.wrap(a, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        long dataOffset = i - 8 - headerLength;
        if (dataOffset < 0) {
            return "the headers differ at byte " + i;
        }
        JsonNode header;
        try {
            header = TrainFixtures.json(new String(a, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            return "byte " + i + " (header unreadable: " + e.getMessage() + ")";
        }
        for (var e : header.properties()) {
            JsonNode offsets = e.getValue().get("data_offsets");
            if (offsets != null && offsets.get(0).asLong() <= dataOffset && dataOffset < offsets.get(1).asLong()) {
                long element = (dataOffset - offsets.get(0).asLong()) / 4;
                int at = (int) (8 + headerLength + offsets.get(0).asLong() + element * 4);
                float x = java.nio.ByteBuffer.wrap(a, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
                float y = java.nio.ByteBuffer.wrap(b, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
                return e.getKey() + "[" + element + "]: " + x + " vs " + y;
            }
        }
        return "byte " + i;
    }

    /** The training entries of a log (evaluations carry timings that differ between runs). */
    private static List<String> trainingSteps(Path out) throws Exception {
        List<String> lines = new ArrayList<>();
        for (JsonNode e : TrainFixtures.jsonLines(out.resolve("training_log.jsonl"))) {
            if (e.has("loss")) {
                lines.add(e.toString());
            } else {
                lines.add("eval " + e.get("step") + " " + e.get("eval_loss") + " " + e.get("eval_accuracy"));
            }
        }
        return lines;
    }
}
