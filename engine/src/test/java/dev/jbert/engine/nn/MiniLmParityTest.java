package dev.jbert.engine.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.io.TensorInfo;
import dev.jbert.engine.testing.Shared;
import java.nio.file.Path;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

/**
 * The real pretrained all-MiniLM-L6-v2 against ONNX Runtime (../shared/golden/minilm):
 * last_hidden_state on real tokens within 1e-4, sentence embeddings within 1e-5.
 */
class MiniLmParityTest {
    @Test
    void matchesOnnxRuntime() {
        Path model = Shared.require("models/all-MiniLM-L6-v2");
        Path golden = Shared.require("golden/minilm/golden.safetensors");
        EncoderModel encoder = new EncoderModel(ModelConfig.load(model.resolve("config.json")));
        try (Checkpoint ckpt = Checkpoint.open(model)) {
            CheckpointMapper.LoadReport r = CheckpointMapper.load(ckpt, encoder.parameters(), encoder.prefix(),
                    new HashSet<>());
            assertTrue(r.newlyInitialized().isEmpty(), "all weights come from the checkpoint");
        }
        try (Checkpoint g = Checkpoint.open(golden)) {
            TensorInfo info = g.info("input_ids");
            int b = info.shape()[0];
            int t = info.shape()[1];
            long[] ids = g.readLong("input_ids");
            long[] mask = g.readLong("attention_mask");
            long[] types = g.readLong("token_type_ids");
            int[] i32 = new int[b * t];
            int[] tt = new int[b * t];
            float[] m = new float[b * t];
            for (int i = 0; i < b * t; i++) {
                i32[i] = (int) ids[i];
                tt[i] = (int) types[i];
                m[i] = mask[i];
            }
            ModelInput in = new ModelInput(b, t, i32, tt, m);
            RunContext ctx = new RunContext(Backends.cpu());
            float[] last = encoder.forward(ctx, in, null);
            int c = encoder.hiddenSize();
            float[] want = g.readFloat("last_hidden_state").data();
            double worst = 0;
            for (int r = 0; r < b * t; r++) {
                if (m[r] == 0f) {
                    continue; // padded positions are not meaningful (golden README)
                }
                for (int j = 0; j < c; j++) {
                    worst = Math.max(worst, Math.abs(last[r * c + j] - want[r * c + j]));
                }
            }
            assertTrue(worst <= 1e-4, "last_hidden_state on real tokens: max |Δ| " + worst);
            float[] pooled = encoder.pool(ctx, last);
            double worstPool = maxDiff(pooled, g.readFloat("pooler_output").data());
            assertTrue(worstPool <= 1e-5, "pooler_output: max |Δ| " + worstPool);
            float[] emb = Pooling.pool(last, in, c, Pooling.Mode.MEAN, true);
            double worstEmb = maxDiff(emb, g.readFloat("sentence_embedding").data());
            assertTrue(worstEmb <= 1e-5, "sentence_embedding: max |Δ| " + worstEmb);
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double w = 0;
        for (int i = 0; i < b.length; i++) {
            w = Math.max(w, Math.abs(a[i] - b[i]));
        }
        return w;
    }
}
