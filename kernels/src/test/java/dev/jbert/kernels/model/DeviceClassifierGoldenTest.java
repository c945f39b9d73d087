package dev.jbert.kernels.model;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.model.TinyModels.assertRelative;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.io.TensorInfo;
import dev.jbert.engine.nn.CheckpointMapper;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.testing.Shared;
import dev.jbert.kernels.testing.TestDevices.Target;
import dev.jbert.kernels.ops.Precision;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real all-MiniLM-L6-v2 (6 layers, 12 heads of 32) on the device against ONNX Runtime's
 * outputs in {@code ../shared/golden/minilm}. A BERT classifier whose classifier is the identity
 * (384 labels, weight I, bias 0) has the pooler output as its logits, so the device's evaluation
 * logits must equal ORT's {@code pooler_output}: within 1e-5 absolute, the tolerance the CPU
 * engine meets (the golden README measures 2.2e-7 between numpy and ORT). The tiny golden models
 * of {@code tiny-bert/} and {@code tiny-distilbert/} (head size 16) are checked by
 * {@link DeviceClassifierTinyGoldenTest}. On the emulator only the three shortest sentences run (cut to their
 * longest, 9 tokens: ORT gives the same outputs for a sentence alone as in the padded batch).
 */
class DeviceClassifierGoldenTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbert.kernels.testing.TestDevices#targets")
    void miniLmPoolerOutputMatchesOnnxRuntime(Target target) {
        Path dir = Shared.require("models/all-MiniLM-L6-v2");
        Path golden = Shared.require("golden/minilm/golden.safetensors");
        ModelConfig cfg = ModelConfig.load(dir.resolve("config.json"));
        int c = cfg.hiddenSize();
        SequenceClassifier model = new SequenceClassifier(cfg.withNumLabels(c));
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            // a bare BertModel: the classifier is ours (set below)
            CheckpointMapper.load(ckpt, model.parameters(), model.encoder().prefix(),
                    Set.of("classifier.weight", "classifier.bias"));
        }
        List<Parameter> ps = model.parameters();
        float[] w = ps.get(ps.size() - 2).data();
        Arrays.fill(w, 0f);
        for (int i = 0; i < c; i++) {
            w[i * c + i] = 1f;
        }
        Arrays.fill(ps.get(ps.size() - 1).data(), 0f);
        try (Checkpoint g = Checkpoint.open(golden)) {
            TensorInfo info = g.info("input_ids");
            int allRows = info.shape()[0];
            int allT = info.shape()[1];
            long[] ids = g.readLong("input_ids");
            long[] mask = g.readLong("attention_mask");
            long[] types = g.readLong("token_type_ids");
            int b = target == Target.EMULATOR ? 3 : allRows;
            int t = 0;
            for (int r = 0; r < b; r++) {
                int len = 0;
                for (int j = 0; j < allT; j++) {
                    len += (int) mask[r * allT + j];
                }
                t = Math.max(t, len);
            }
            int[] i32 = new int[b * t];
            int[] tt = new int[b * t];
            float[] m = new float[b * t];
            for (int r = 0; r < b; r++) {
                for (int j = 0; j < t; j++) {
                    i32[r * t + j] = (int) ids[r * allT + j];
                    tt[r * t + j] = (int) types[r * allT + j];
                    m[r * t + j] = mask[r * allT + j];
                }
            }
            ModelInput in = new ModelInput(b, t, i32, tt, m);
            float[] want = Arrays.copyOf(g.readFloat("pooler_output").data(), b * c);
            RunContext eval = new RunContext(Backends.cpu());
            try (DeviceClassifier dev = DeviceClassifier.create(TestDevices.device(target),
                    TestDevices.kernels(target), Precision.FP32, model, b, t)) {
                float[] got = dev.forward(eval, in);
                double worst = TinyModels.maxAbsDiff(got, want);
                assertTrue(worst <= 1e-5, target + ": pooler output of " + b + " sentences × " + t
                        + " tokens, max |device − ORT| = " + worst);
                assertRelative(target + ": logits against the CPU engine", got,
                        Arrays.copyOf(model.forward(eval, in, null), b * c), 1e-5);
            }
        }
    }
}
