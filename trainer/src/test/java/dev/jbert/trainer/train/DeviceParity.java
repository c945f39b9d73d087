package dev.jbert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jbert.engine.backend.BackendUnavailableException;
import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.io.SafeTensorsFile;
import dev.jbert.engine.io.SafeTensorsWriter;
import dev.jbert.engine.nn.CheckpointMapper;
import dev.jbert.engine.nn.EncoderModel;
import dev.jbert.engine.nn.Initializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * For the tests that run a command on the CPU and on a CUDA device (the emulated one, and a real GPU
 * where there is one): the devices, a tiny model the attention kernels can run (head size 32), and
 * comparisons by relative error ‖device − cpu‖ / ‖cpu‖ that name what disagreed.
 */
public final class DeviceParity {
    /** Why {@code --device cuda} cannot be had here, or null where it can; asked once per test JVM. */
    private static String gpuMissing;
    private static boolean gpuAsked;

    private DeviceParity() {
    }

    /**
     * The devices the parity tests run on: the emulated CUDA device always, a real GPU where there
     * is one ({@link #assumeAvailable} skips it, visibly, elsewhere).
     */
    public static List<String> devices() {
        return List.of(EmulatedCudaProvider.NAME, "cuda");
    }

    /** Skips the calling test, with the reason, when {@code device} is {@code cuda} and there is no GPU. */
    public static void assumeAvailable(String device) {
        if (device.equals("cuda")) {
            String why = gpuMissing();
            Assumptions.assumeTrue(why == null, () -> "no CUDA GPU here: " + why);
        }
    }

    private static synchronized String gpuMissing() {
        if (!gpuAsked) {
            gpuAsked = true;
            try {
                Backends.byName("cuda");
            } catch (BackendUnavailableException e) {
                gpuMissing = e.getMessage();
            }
        }
        return gpuMissing;
    }

    /**
     * A random base model (no head) with hidden size 64 in 2 heads of 32, 2 layers, feed-forward 128,
     * over {@link TrainFixtures#vocabulary()}, in {@code dir}.
     */
    public static Path tinyModel(Path dir, ModelType type, long seed) throws IOException {
        List<String> vocab = TrainFixtures.vocabulary();
        ModelConfig config = ModelConfig.builder(type).vocabSize(vocab.size()).hiddenSize(64).numLayers(2).numHeads(2)
                .intermediateSize(128).maxPositionEmbeddings(32).build();
        Files.createDirectories(dir);
        config.save(dir);
        EncoderModel encoder = new EncoderModel(config);
        Initializer.initialize(encoder.parameters(), 0.02, config.padTokenId(), seed);
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), CheckpointMapper.stateDict(encoder.parameters()));
        Files.write(dir.resolve("vocab.txt"), vocab);
        return dir;
    }

    /** ‖a − b‖ / ‖b‖ (‖a‖ when b is all zero). */
    public static double relativeError(float[] a, float[] b) {
        assertEquals(b.length, a.length, "lengths");
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                fail("value " + i + " is " + a[i]);
            }
            double d = (double) a[i] - b[i];
            diff += d * d;
            norm += (double) b[i] * b[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    /** |a − b| / |b| (|a − b| when b is 0). */
    public static double relativeError(double a, double b) {
        return b == 0 ? Math.abs(a - b) : Math.abs(a - b) / Math.abs(b);
    }

    /**
     * Whether {@code name} (a parameter, its gradient or its AdamW moment) is an attention key bias.
     * Its exact gradient is zero — adding q·b to every score of a query row leaves the softmax
     * unchanged — so what two machines compute for it is rounding noise (~1e-9 here), different on
     * each, and it is compared by {@link #assertNoiseClose} instead of by relative error.
     */
    public static boolean isKeyBias(String name) {
        return name.endsWith("attention.self.key.bias") || name.endsWith("attention.k_lin.bias");
    }

    /** Noise on both sides: every value of a and b within {@link #NOISE} of each other. */
    public static void assertNoiseClose(String what, float[] a, float[] b) {
        assertEquals(b.length, a.length, what + ": lengths");
        for (int i = 0; i < a.length; i++) {
            assertTrue(Math.abs(a[i] - b[i]) <= NOISE, what + "[" + i + "]: " + a[i] + " against " + b[i]
                    + ": more than rounding noise apart");
        }
    }

    /** The largest difference allowed between two values that are rounding noise around zero. */
    public static final double NOISE = 1e-6;

    /**
     * Every tensor of {@code actual} within {@code tol} relative of {@code expected}'s, same names
     * (attention key biases: within rounding noise, see {@link #isKeyBias}). Lists every tensor off.
     */
    public static void assertTensorsClose(Path expected, Path actual, double tol) {
        try (SafeTensorsFile e = SafeTensorsFile.open(expected); SafeTensorsFile a = SafeTensorsFile.open(actual)) {
            assertEquals(e.names(), a.names(), "tensor names of " + actual);
            StringBuilder failures = new StringBuilder();
            int compared = 0;
            for (String name : e.names()) {
                float[] want = e.readFloat(name).data();
                float[] got = a.readFloat(name).data();
                if (isKeyBias(name)) {
                    assertNoiseClose(actual + " " + name, got, want);
                    continue;
                }
                double rel = relativeError(got, want);
                if (!(rel <= tol)) {
                    failures.append("\n  ").append(name).append(": relative error ").append(rel);
                }
                compared++;
            }
            assertTrue(failures.isEmpty(), actual + ": tensors off by more than " + tol + failures);
            assertTrue(compared > 0, actual + ": nothing compared");
        }
    }
}
