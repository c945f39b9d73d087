package dev.jbert.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The attention probabilities of Hugging Face's own tiny BERT and DistilBERT (eager attention,
 * padded batch of lengths 12, 8, 5): project the golden hidden states that enter each layer with
 * that layer's query/key/value weights, run {@link AttentionKernel#forward}, and compare with
 * {@code attentions.N}. This pins down the layout (head h = columns h·D..), the scale and the
 * padding mask exactly as HF applies them. Skipped, visibly, when ../shared/golden is absent.
 */
class AttentionKernelGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} layer {1}")
    @CsvSource({
        "tiny-bert,0", "tiny-bert,1", "tiny-distilbert,0", "tiny-distilbert,1",
    })
    void probabilitiesMatchHuggingFace(String kind, int layer) throws IOException {
        Path golden = Path.of(System.getProperty("jbert.shared.dir", "../shared"), "golden", kind);
        Assumptions.assumeTrue(Files.isDirectory(golden), "golden data absent: " + golden);
        Map<String, float[]> model = readSafetensors(golden.resolve("single_label/model.safetensors"));
        Map<String, float[]> fwd = readSafetensors(golden.resolve("single_label/forward.safetensors"));
        JsonNode inputs = JSON.readTree(golden.resolve("inputs.json").toFile());

        final int B = 3;
        final int T = 12;
        final int H = 4;
        final int D = 16;
        final int C = H * D;
        float[] keyMask = new float[B * T];
        JsonNode am = inputs.get("attention_mask");
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                keyMask[b * T + t] = am.get(b).get(t).floatValue();
            }
        }
        String prefix;
        String[] qkv;
        if (kind.equals("tiny-bert")) {
            prefix = "bert.encoder.layer." + layer + ".attention.self.";
            qkv = new String[] {"query", "key", "value"};
        } else {
            prefix = "distilbert.transformer.layer." + layer + ".attention.";
            qkv = new String[] {"q_lin", "k_lin", "v_lin"};
        }
        float[] hidden = fwd.get("hidden_states." + layer);   // [B, T, C]: the input of this layer
        float[] q = linear(hidden, B * T, C, model.get(prefix + qkv[0] + ".weight"), model.get(prefix + qkv[0] + ".bias"));
        float[] k = linear(hidden, B * T, C, model.get(prefix + qkv[1] + ".weight"), model.get(prefix + qkv[1] + ".bias"));
        float[] v = linear(hidden, B * T, C, model.get(prefix + qkv[2] + ".weight"), model.get(prefix + qkv[2] + ".bias"));

        float[] probs = new float[B * H * T * T];
        AttentionKernel.forward(q, k, v, keyMask, B, T, H, D, probs, null, new float[B * T * C]);

        float[] want = fwd.get("attentions." + layer);
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - probs[i]));
            if (want[i] == 0f) {
                // HF's padded keys: exactly zero here too
                assertTrue(probs[i] == 0f, "probs[" + i + "] = " + probs[i] + ", HF has 0");
            }
        }
        // golden/README: attention probabilities, suggested tolerance abs 1e-6 (10× the float32 cost)
        assertTrue(max <= 1e-6, kind + " layer " + layer + ": max |Δprobs| = " + max);
    }

    /** y[r, o] = Σ_i x[r, i]·W[o, i] + b[o] (PyTorch Linear, W [out, in]); computed in double. */
    private static float[] linear(float[] x, int rows, int in, float[] w, float[] b) {
        int out = b.length;
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += (double) x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = (float) s;
            }
        }
        return y;
    }

    /** Just enough of safetensors for F32 tensors: header length, JSON header, raw data. */
    private static Map<String, float[]> readSafetensors(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = (int) buf.getLong(0);
        JsonNode header = JSON.readTree(new String(bytes, 8, headerLen, java.nio.charset.StandardCharsets.UTF_8));
        Map<String, float[]> tensors = new java.util.HashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__") || !e.getValue().get("dtype").asText().equals("F32")) {
                continue;
            }
            long start = e.getValue().get("data_offsets").get(0).asLong();
            long end = e.getValue().get("data_offsets").get(1).asLong();
            float[] a = new float[(int) ((end - start) / 4)];
            buf.slice((int) (8 + headerLen + start), (int) (end - start)).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(a);
            tensors.put(e.getKey(), a);
        }
        return tensors;
    }
}
