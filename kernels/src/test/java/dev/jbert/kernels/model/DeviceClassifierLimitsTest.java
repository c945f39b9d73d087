package dev.jbert.kernels.model;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.model.TinyModels.B;
import static dev.jbert.kernels.model.TinyModels.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.BackendUnavailableException;
import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.kernels.emulator.EmulatedDevice;
import dev.jbert.kernels.emulator.Emulator;
import dev.jbert.kernels.testing.TestDevices.Target;
import dev.jbert.kernels.ops.GpuKernels;
import dev.jbert.kernels.ops.Precision;
import org.junit.jupiter.api.Test;

/**
 * What the device classifier refuses, each with one sentence naming what was wrong: a head size
 * the attention kernels do not have, a batch larger than its memory was sized for, ids outside
 * the vocabulary, and a model that does not fit in the device's memory.
 */
class DeviceClassifierLimitsTest {
    private static final RunContext EVAL = new RunContext(Backends.cpu());

    @Test
    void headSize8IsRefusedNamingIt() {
        ModelConfig cfg = TinyModels.config(ModelType.BERT, ProblemType.SINGLE_LABEL_CLASSIFICATION, false, 64, 8);
        SequenceClassifier model = TinyModels.model(cfg, 1);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> DeviceClassifier.create(
                TestDevices.device(Target.EMULATOR), TestDevices.kernels(Target.EMULATOR), Precision.FP32, model,
                B, T));
        assertEquals("the CUDA attention kernels support head sizes 16, 32 and 64, but this model has 8 heads of "
                + "size 8 (hidden size 64)", e.getMessage());
    }

    @Test
    void batchesLargerThanTheSizedMemoryAreRefused() {
        ModelConfig cfg = TinyModels.config(ModelType.DISTILBERT, ProblemType.SINGLE_LABEL_CLASSIFICATION, false);
        try (DeviceClassifier dev = DeviceClassifier.create(TestDevices.device(Target.EMULATOR),
                TestDevices.kernels(Target.EMULATOR), Precision.FP32, TinyModels.model(cfg, 1), B - 1, T)) {
            ModelInput in = TinyModels.batch(ModelType.DISTILBERT, 3);
            IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> dev.forward(EVAL, in));
            assertTrue(tooMany.getMessage().contains(B + " × " + T) && tooMany.getMessage().contains((B - 1) + " × " + T),
                    tooMany.getMessage());
            int[] ids = new int[(B - 1) * (T + 1)];
            float[] mask = new float[ids.length];
            java.util.Arrays.fill(mask, 1f);
            ModelInput tooLong = new ModelInput(B - 1, T + 1, ids, null, mask);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dev.forward(EVAL, tooLong));
            assertTrue(e.getMessage().contains((B - 1) + " × " + (T + 1)), e.getMessage());
            ids[5] = TinyModels.VOCAB;
            ModelInput badId = new ModelInput(1, T, java.util.Arrays.copyOf(ids, T), null,
                    java.util.Arrays.copyOf(mask, T));
            IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> dev.forward(EVAL, badId));
            assertEquals("input_ids[0][5] = " + TinyModels.VOCAB + " is outside the vocabulary [0, " + TinyModels.VOCAB
                    + ")", v.getMessage());
            assertThrows(IllegalStateException.class, () -> dev.backward(EVAL, new float[3]),
                    "backward before any successful forward");
        }
    }

    @Test
    void aModelLargerThanTheDeviceMemoryIsRefusedWithTheSizes() {
        ModelConfig cfg = TinyModels.config(ModelType.BERT, ProblemType.SINGLE_LABEL_CLASSIFICATION, false);
        SequenceClassifier model = TinyModels.model(cfg, 1);
        try (EmulatedDevice small = Emulator.newDevice(8L << 20)) {
            GpuKernels kernels = new GpuKernels(small);
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> DeviceClassifier.create(small, kernels, Precision.FP32, model, 64, 32));
            String m = e.getMessage();
            assertTrue(m.contains("64 × 32") && m.contains("MiB") && m.contains("8.0 MiB free")
                    && m.contains("--batch-size") && m.contains("--max-length"), m);
            assertEquals(0, small.liveAllocations(), "nothing left allocated after the refusal");
            // a batch that fits: one allocation for everything but the optimizer's small tables, all freed on close
            try (DeviceClassifier dev = DeviceClassifier.create(small, kernels, Precision.FP32, model, 2, 8)) {
                assertTrue(dev.deviceBytes() <= 8L << 20, dev.description());
                assertEquals(4, small.liveAllocations(), "the arena and the optimizer's three tables");
            }
            assertEquals(0, small.liveAllocations(), "close frees the device memory");
        }
    }
}
