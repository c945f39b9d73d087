package dev.jbert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.io.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code jbert train --device cuda} end to end, also without a GPU: the CUDA backend over the CPU
 * emulator of our kernels ({@code --device cuda-emulated}, {@link EmulatedCudaProvider}), and over a
 * real GPU where there is one (skipped, saying why, elsewhere), trains the same tiny
 * model from the same seed as {@code --device cpu}, with dropout, gradient accumulation, weight decay,
 * warm-up, evaluations (in slices: the evaluation batch is larger than the training one),
 * checkpoints and the best checkpoint's weights loaded at the end, and must agree with it: every logged loss, gradient norm and evaluation loss within
 * 1e-4 relative, every saved tensor (final model and checkpoint, weights and AdamW moments) within
 * 1e-5 relative (attention key biases, whose exact gradient is zero, within rounding noise: see
 * {@link DeviceParity#isKeyBias}). A run interrupted and resumed on the device ends where the
 * uninterrupted one does, and where the CPU does.
 */
class TrainOnCudaDeviceTest {
    private static final double LOG_TOLERANCE = 1e-4;
    private static final double WEIGHT_TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    private List<String> args(Path model, Path out, String device) {
        return new ArrayList<>(List.of("train", "--model", model.toString(),
                "--train", tmp.resolve("train.csv").toString(), "--validation", tmp.resolve("dev.csv").toString(),
                "--output", out.toString(), "--device", device, "--batch-size", "4", "--eval-batch-size", "6",
                "--gradient-accumulation-steps", "2", "--max-steps", "6", "--learning-rate", "1e-3",
                "--warmup-steps", "2", "--weight-decay", "0.01", "--logging-steps", "1", "--eval-strategy", "steps",
                "--eval-steps", "3", "--save-steps", "3", "--load-best-model-at-end", "--seed", "11"));
    }

    private static TrainCli.Run run(List<String> args) {
        TrainCli.Run r = TrainCli.run(args.toArray(new String[0]));
        assertEquals(0, r.status(), r.err());
        return r;
    }

    @ParameterizedTest(name = "--device {0}")
    @MethodSource("dev.jbert.trainer.train.DeviceParity#devices")
    void trainsLikeTheCpu(String device) throws Exception {
        DeviceParity.assumeAvailable(device);
        Path model = DeviceParity.tinyModel(tmp.resolve("model"), ModelType.BERT, 5);
        TrainFixtures.sentimentCsv(tmp.resolve("train.csv"), 18, 1);
        TrainFixtures.sentimentCsv(tmp.resolve("dev.csv"), 10, 2);
        Path cpu = tmp.resolve("cpu");
        run(args(model, cpu, "cpu"));
        Path dev = tmp.resolve("dev");
        TrainCli.Run r = run(args(model, dev, device));
        assertTrue(r.err().contains("device: "), "the device is named on stderr:\n" + r.err());
        assertTrue(r.err().contains("loaded the best model from"), r.err());

        assertLogsAgree(cpu, dev);
        DeviceParity.assertTensorsClose(cpu.resolve("model.safetensors"), dev.resolve("model.safetensors"),
                WEIGHT_TOLERANCE);
        DeviceParity.assertTensorsClose(cpu.resolve("checkpoint-3/model.safetensors"),
                dev.resolve("checkpoint-3/model.safetensors"), WEIGHT_TOLERANCE);
        assertMomentsClose(cpu.resolve("checkpoint-3").resolve(TrainingCheckpoint.OPTIMIZER),
                dev.resolve("checkpoint-3").resolve(TrainingCheckpoint.OPTIMIZER));
        JsonNode cpuEval = TrainFixtures.json(Files.readString(cpu.resolve(TrainingOutput.EVAL_RESULTS)));
        JsonNode devEval = TrainFixtures.json(Files.readString(dev.resolve(TrainingOutput.EVAL_RESULTS)));
        assertClose("final eval_loss", cpuEval.get("eval_loss").asDouble(), devEval.get("eval_loss").asDouble());
        assertEquals(cpuEval.get("eval_accuracy").asDouble(), devEval.get("eval_accuracy").asDouble(), 1e-12,
                "final eval_accuracy");
    }

    @ParameterizedTest(name = "--device {0}")
    @MethodSource("dev.jbert.trainer.train.DeviceParity#devices")
    void aResumedRunEndsWhereTheUninterruptedOneDoes(String device) throws Exception {
        DeviceParity.assumeAvailable(device);
        Path model = DeviceParity.tinyModel(tmp.resolve("model"), ModelType.DISTILBERT, 6);
        TrainFixtures.sentimentCsv(tmp.resolve("train.csv"), 18, 3);
        TrainFixtures.sentimentCsv(tmp.resolve("dev.csv"), 6, 4);
        Path whole = tmp.resolve("whole");
        run(args(model, whole, device));

        Path parts = tmp.resolve("parts");
        List<String> first = args(model, parts, device);
        first.addAll(List.of("--debug-interrupt-after-step", "4"));
        run(first);
        List<String> second = args(model, parts, device);
        second.add("--resume");
        TrainCli.Run resumed = run(second);
        assertTrue(resumed.err().contains("resuming from " + parts.resolve("checkpoint-3")), resumed.err());

        assertLogsAgree(whole, parts);
        DeviceParity.assertTensorsClose(whole.resolve("model.safetensors"), parts.resolve("model.safetensors"),
                WEIGHT_TOLERANCE);
        // and both where the CPU gets
        Path cpu = tmp.resolve("cpu");
        run(args(model, cpu, "cpu"));
        DeviceParity.assertTensorsClose(cpu.resolve("model.safetensors"), parts.resolve("model.safetensors"),
                WEIGHT_TOLERANCE);
    }

    /** The AdamW moments (exp_avg.*, exp_avg_sq.*) of two optimizer files. */
    private static void assertMomentsClose(Path expected, Path actual) {
        try (SafeTensorsFile e = SafeTensorsFile.open(expected); SafeTensorsFile a = SafeTensorsFile.open(actual)) {
            int moments = 0;
            for (String name : e.names()) {
                if (name.startsWith("exp_avg") && DeviceParity.isKeyBias(name)) {
                    DeviceParity.assertNoiseClose(actual + " " + name, a.readFloat(name).data(),
                            e.readFloat(name).data());
                } else if (name.startsWith("exp_avg")) {
                    double rel = DeviceParity.relativeError(a.readFloat(name).data(), e.readFloat(name).data());
                    assertTrue(rel <= WEIGHT_TOLERANCE, actual + " " + name + ": relative error " + rel);
                    moments++;
                }
            }
            assertTrue(moments > 0, expected + " holds AdamW moments");
        }
    }

    /** The training logs: the same entries, keys and steps, numbers within the tolerance. */
    private static void assertLogsAgree(Path expectedDir, Path actualDir) throws Exception {
        List<JsonNode> expected = TrainFixtures.jsonLines(expectedDir.resolve("training_log.jsonl"));
        List<JsonNode> actual = TrainFixtures.jsonLines(actualDir.resolve("training_log.jsonl"));
        assertEquals(expected.size(), actual.size(), "log entries");
        int losses = 0;
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = expected.get(i);
            JsonNode a = actual.get(i);
            assertEquals(e.get("step"), a.get("step"), "step of entry " + i);
            for (Iterator<Map.Entry<String, JsonNode>> it = e.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String k = f.getKey();
                if (k.equals("loss") || k.equals("grad_norm") || k.equals("eval_loss") || k.equals("learning_rate")) {
                    assertTrue(a.has(k), "entry " + i + " has " + k);
                    assertClose("entry " + i + " (step " + e.get("step") + ") " + k, f.getValue().asDouble(),
                            a.get(k).asDouble());
                    losses++;
                }
            }
        }
        assertTrue(losses >= 6, "the logs hold the losses of every step");
    }

    private static void assertClose(String what, double expected, double actual) {
        double rel = DeviceParity.relativeError(actual, expected);
        assertTrue(rel <= LOG_TOLERANCE, what + ": " + actual + " against the CPU's " + expected + " (relative "
                + rel + ")");
    }
}
