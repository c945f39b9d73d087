package dev.jbert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.io.SafeTensorsFile;
import dev.jbert.trainer.train.DeviceParity;
import dev.jbert.trainer.train.TrainCli;
import dev.jbert.trainer.train.TrainFixtures;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code predict}, {@code eval}, {@code embed} and {@code inspect} with {@code --device cuda} end to
 * end, also without a GPU: the CUDA backend over the CPU emulator of our kernels ({@code --device
 * cuda-emulated}), and over a real GPU where there is one (skipped, saying why, elsewhere), against
 * {@code --device cpu} on the same model and inputs. {@code predict} and
 * {@code eval} go through the device-resident model, {@code embed} and {@code inspect} through the
 * per-operation path (inspect with {@code --grads} through every backward operation too).
 */
class CudaDeviceCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path classifier;
    private static Path data;

    /** A classifier with a trained head (two CPU steps from a random tiny base model). */
    @BeforeAll
    static void trainAClassifier() throws Exception {
        Path base = DeviceParity.tinyModel(tmp.resolve("base"), ModelType.BERT, 9);
        Path train = TrainFixtures.sentimentCsv(tmp.resolve("train.csv"), 12, 5);
        data = TrainFixtures.sentimentCsv(tmp.resolve("data.csv"), 11, 6);
        classifier = tmp.resolve("classifier");
        TrainCli.Run r = TrainCli.run("train", "--model", base.toString(), "--train", train.toString(), "--output",
                classifier.toString(), "--max-steps", "2", "--learning-rate", "1e-2", "--batch-size", "6");
        assertEquals(0, r.status(), r.err());
    }

    private static TrainCli.Run ok(String... args) {
        TrainCli.Run r = TrainCli.run(args);
        assertEquals(0, r.status(), String.join(" ", args) + "\n" + r.err());
        return r;
    }

    @ParameterizedTest(name = "--device {0}")
    @MethodSource("dev.jbert.trainer.train.DeviceParity#devices")
    void predictScoresLikeTheCpu(String device) throws Exception {
        DeviceParity.assumeAvailable(device);
        for (String precision : List.of("fp32", "bf16")) {
            // --batch-size 4 over 11 rows: a last batch of 3
            String[] common = {"predict", "--model", classifier.toString(), "--input", data.toString(), "--top-k", "all",
                "--batch-size", "4"};
            TrainCli.Run cpu = ok(concat(common, "--device", "cpu"));
            TrainCli.Run dev = ok(concat(common, "--device", device, "--precision", precision));
            List<String> c = cpu.out().lines().toList();
            List<String> d = dev.out().lines().toList();
            assertEquals(11, c.size(), cpu.out());
            assertEquals(c.size(), d.size(), dev.out());
            double tol = precision.equals("fp32") ? 1e-5 : 2e-2;
            for (int i = 0; i < c.size(); i++) {
                JsonNode cl = JSON.readTree(c.get(i));
                JsonNode dl = JSON.readTree(d.get(i));
                assertEquals(cl.size(), dl.size(), "labels of line " + i);
                for (int j = 0; j < cl.size(); j++) {
                    String label = cl.get(j).get("label").asText();
                    double expected = cl.get(j).get("score").asDouble();
                    double actual = score(dl, label);
                    assertTrue(DeviceParity.relativeError(actual, expected) <= tol, precision + " line " + i + " "
                            + label + ": " + actual + " against the CPU's " + expected);
                }
            }
        }
    }

    @ParameterizedTest(name = "--device {0}")
    @MethodSource("dev.jbert.trainer.train.DeviceParity#devices")
    void predictTextsLikeTheCpu(String device) throws Exception {
        DeviceParity.assumeAvailable(device);
        String[] common = {"predict", "--model", classifier.toString(), "--text", "the movie was good",
            "--text", "the film was really dull , quite boring ."};
        JsonNode c = JSON.readTree(ok(concat(common, "--device", "cpu")).out().lines().toList().get(1));
        JsonNode d = JSON.readTree(ok(concat(common, "--device", device)).out().lines().toList().get(1));
        assertEquals(c.get(0).get("label"), d.get(0).get("label"));
        assertTrue(DeviceParity.relativeError(d.get(0).get("score").asDouble(), c.get(0).get("score").asDouble())
                <= 1e-5, d + " against " + c);
    }

    private static double score(JsonNode line, String label) {
        for (JsonNode e : line) {
            if (e.get("label").asText().equals(label)) {
                return e.get("score").asDouble();
            }
        }
        throw new AssertionError("no score for " + label + " in " + line);
    }

    @ParameterizedTest(name = "--device {0}")
    @MethodSource("dev.jbert.trainer.train.DeviceParity#devices")
    void evalMeasuresLikeTheCpu(String device) throws Exception {
        DeviceParity.assumeAvailable(device);
        String[] common = {"eval", "--model", classifier.toString(), "--data", data.toString(), "--batch-size", "5"};
        JsonNode c = JSON.readTree(ok(concat(common, "--device", "cpu")).out());
        TrainCli.Run run = ok(concat(common, "--device", device));
        assertTrue(run.err().contains("device: "), run.err());
        JsonNode d = JSON.readTree(run.out());
        assertEquals(c.get("samples"), d.get("samples"));
        assertTrue(DeviceParity.relativeError(d.get("loss").asDouble(), c.get("loss").asDouble()) <= 1e-5,
                "loss " + d.get("loss") + " against the CPU's " + c.get("loss"));
        assertEquals(c.get("accuracy").asDouble(), d.get("accuracy").asDouble(), 1e-12, "accuracy");
    }

    @ParameterizedTest(name = "--device {0}")
    @MethodSource("dev.jbert.trainer.train.DeviceParity#devices")
    void embedLikeTheCpu(String device) throws Exception {
        DeviceParity.assumeAvailable(device);
        String stdin = "{\"text\": \"the movie was good\"}\n{\"text\": \"a boring plot , really\"}\n"
                + "{\"text\": \"the acting was superb and the ending lovely\"}\n";
        for (String pooling : List.of("mean", "cls")) {
            String[] common = {"embed", "--model", classifier.toString(), "--pooling", pooling, "--batch-size", "2"};
            List<String> c = withStdin(stdin, concat(common, "--device", "cpu")).out().lines().toList();
            List<String> d = withStdin(stdin, concat(common, "--device", device)).out().lines().toList();
            assertEquals(3, c.size());
            assertEquals(c.size(), d.size());
            for (int i = 0; i < c.size(); i++) {
                float[] ce = floats(JSON.readTree(c.get(i)).get("embedding"));
                float[] de = floats(JSON.readTree(d.get(i)).get("embedding"));
                assertEquals(64, ce.length);
                double rel = DeviceParity.relativeError(de, ce);
                assertTrue(rel <= 1e-5, pooling + " embedding " + i + ": relative error " + rel);
            }
        }
    }

    @ParameterizedTest(name = "--device {0}")
    @MethodSource("dev.jbert.trainer.train.DeviceParity#devices")
    void inspectWithGradientsLikeTheCpu(String device) throws Exception {
        DeviceParity.assumeAvailable(device);
        Path labels = tmp.resolve("labels.json");
        Files.writeString(labels, "{\"labels\": [0, 1]}");
        Path cpuOut = tmp.resolve("inspect-cpu.safetensors");
        Path devOut = tmp.resolve("inspect-" + device + ".safetensors");
        String[] common = {"inspect", "--model", classifier.toString(), "--text", "the movie was good",
            "--text", "a dull film", "--grads", "--labels", labels.toString()};
        ok(concat(common, "--device", "cpu", "--output", cpuOut.toString()));
        ok(concat(common, "--device", device, "--output", devOut.toString()));
        try (SafeTensorsFile c = SafeTensorsFile.open(cpuOut); SafeTensorsFile d = SafeTensorsFile.open(devOut)) {
            assertEquals(c.names(), d.names());
            assertTrue(c.names().contains("grad.classifier.weight"), c.names().toString());
            StringBuilder failures = new StringBuilder();
            for (String name : c.names()) {
                // activations: float rounding only; gradients: through more operations
                double tol = name.startsWith("grad.") ? 1e-4 : 1e-5;
                if (DeviceParity.isKeyBias(name)) {
                    // its exact gradient is zero: both sides hold rounding noise
                    DeviceParity.assertNoiseClose(name, d.readFloat(name).data(), c.readFloat(name).data());
                    continue;
                }
                double rel = DeviceParity.relativeError(d.readFloat(name).data(), c.readFloat(name).data());
                if (!(rel <= tol)) {
                    failures.append("\n  ").append(name).append(": relative error ").append(rel);
                }
            }
            assertTrue(failures.isEmpty(), "tensors off" + failures);
        }
    }

    private static float[] floats(JsonNode arr) {
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) arr.get(i).asDouble();
        }
        return out;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static TrainCli.Run withStdin(String stdin, String... args) {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return ok(args);
        } finally {
            System.setIn(old);
        }
    }
}
