package dev.jbert.trainer.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test helper: a small BERT graph laid out as PyTorch 1.13 exports it (anonymous transposed
 * MatMul weights, Add with named biases, decomposed LayerNorm, exact GELU through Erf, the
 * attention Reshape's shape built by Concat, a pooler Gemm with transB=1). Not meant to run,
 * only to be imported. Knobs let tests break it in one place at a time.
 */
final class TinyBertOnnx {
    int vocab = 20;
    int hidden = 8;
    int heads = 2;
    int layers = 2;
    int intermediate = 12;
    int positions = 16;
    float eps = 1e-12f;
    /** Store the first anonymous weight as external data. */
    boolean externalData;
    /** Add an anonymous MatMul weight that feeds a Relu, not a biased Add. */
    boolean unmappableMatMul;
    /** Put the heads in an initializer shape [0, 0, H, D] instead of a Concat of Constants. */
    boolean headsInInitializer;

    /** Every weight as Hugging Face stores it ([out, in] for Linear), filled by {@link #build()}. */
    final Map<String, float[]> expected = new LinkedHashMap<>();
    final Map<String, int[]> expectedShapes = new LinkedHashMap<>();

    private final Random random = new Random(7);
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private int anonymous = 800;
    private int constants;

    byte[] build() {
        param("embeddings.word_embeddings.weight", vocab, hidden);
        param("embeddings.position_embeddings.weight", positions, hidden);
        param("embeddings.token_type_embeddings.weight", 2, hidden);
        long[] ids = new long[positions];
        for (int i = 0; i < positions; i++) {
            ids[i] = i;
        }
        initializers.add(longTensor("embeddings.position_ids", ids, 1, positions));
        node("Gather", "/embeddings/word_embeddings/Gather", List.of("embeddings.word_embeddings.weight", "input_ids"),
                "/embeddings/word_embeddings/Gather_output_0");
        String x = layerNorm("/embeddings/LayerNorm", "embeddings.LayerNorm", "/embeddings/word_embeddings/Gather_output_0");
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            String scope = "/encoder/layer." + l + "/";
            String q = linear(scope + "attention/self/query", p + "attention.self.query", x, hidden, hidden);
            String k = linear(scope + "attention/self/key", p + "attention.self.key", x, hidden, hidden);
            String v = linear(scope + "attention/self/value", p + "attention.self.value", x, hidden, hidden);
            String shape = headShape(scope);
            node("Reshape", scope + "attention/self/Reshape", List.of(k, shape), scope + "attention/self/Reshape_output_0");
            node("Reshape", scope + "attention/self/Reshape_1", List.of(q, shape), scope + "attention/self/Reshape_1_output_0");
            node("Reshape", scope + "attention/self/Reshape_2", List.of(v, shape), scope + "attention/self/Reshape_2_output_0");
            node("MatMul", scope + "attention/self/MatMul",
                    List.of(scope + "attention/self/Reshape_1_output_0", scope + "attention/self/Reshape_output_0"),
                    scope + "attention/self/MatMul_output_0");
            String context = scope + "attention/self/MatMul_output_0";
            String attnOut = linear(scope + "attention/output/dense", p + "attention.output.dense", context, hidden, hidden);
            String ln1 = layerNorm(scope + "attention/output/LayerNorm", p + "attention.output.LayerNorm", attnOut);
            String inter = linear(scope + "intermediate/dense", p + "intermediate.dense", ln1, hidden, intermediate);
            String act = gelu(scope + "intermediate/intermediate_act_fn", inter);
            String out = linear(scope + "output/dense", p + "output.dense", act, intermediate, hidden);
            x = layerNorm(scope + "output/LayerNorm", p + "output.LayerNorm", out);
        }
        param("pooler.dense.weight", hidden, hidden);
        param("pooler.dense.bias", hidden);
        ProtoWriter gemm = node("Gemm", "/pooler/dense/Gemm", List.of(x, "pooler.dense.weight", "pooler.dense.bias"),
                "/pooler/dense/Gemm_output_0");
        gemm.message(5, new ProtoWriter().string(1, "transB").varint(3, 1).varint(20, 2));
        if (unmappableMatMul) {
            float[] w = randoms(hidden * hidden);
            initializers.add(floatTensor("onnx::MatMul_999", w, hidden, hidden));
            node("MatMul", "MatMul_99", List.of(x, "onnx::MatMul_999"), "MatMul_99_output_0");
            node("Relu", "Relu_100", List.of("MatMul_99_output_0"), "Relu_100_output_0");
        }
        ProtoWriter graph = new ProtoWriter();
        for (ProtoWriter n : nodes) {
            graph.message(1, n);
        }
        graph.string(2, "torch_jit");
        for (ProtoWriter t : initializers) {
            graph.message(5, t);
        }
        graph.message(11, new ProtoWriter().string(1, "input_ids"));
        graph.message(12, new ProtoWriter().string(1, x));
        return new ProtoWriter()
                .varint(1, 7)
                .string(2, "pytorch")
                .string(3, "1.13.0")
                .message(7, graph)
                .message(8, new ProtoWriter().varint(2, 14))
                .toByteArray();
    }

    /** The shape input of the attention Reshape: [B, T, H, D] with B and T from Shape. */
    private String headShape(String scope) {
        if (headsInInitializer) {
            String name = "onnx::Reshape_" + (anonymous++);
            initializers.add(longTensor(name, new long[] {0, 0, heads, hidden / heads}, 4));
            return name;
        }
        node("Shape", scope + "attention/self/Shape", List.of("input_ids"), scope + "attention/self/Shape_output_0");
        node("Gather", scope + "attention/self/Gather", List.of(scope + "attention/self/Shape_output_0",
                constLong(new long[] {0})), scope + "attention/self/Gather_output_0");
        node("Unsqueeze", scope + "attention/self/Unsqueeze", List.of(scope + "attention/self/Gather_output_0",
                constLong(new long[] {0}, 1)), scope + "attention/self/Unsqueeze_output_0");
        String h = constLong(new long[] {heads}, 1);
        String d = constLong(new long[] {hidden / heads}, 1);
        node("Concat", scope + "attention/self/Concat", List.of(scope + "attention/self/Unsqueeze_output_0",
                scope + "attention/self/Unsqueeze_output_0", h, d), scope + "attention/self/Concat_output_0");
        return scope + "attention/self/Concat_output_0";
    }

    private String linear(String scope, String module, String in, int inSize, int outSize) {
        float[] hf = randoms(outSize * inSize);
        expected.put(module + ".weight", hf);
        expectedShapes.put(module + ".weight", new int[] {outSize, inSize});
        float[] onnx = new float[hf.length];
        for (int o = 0; o < outSize; o++) {
            for (int i = 0; i < inSize; i++) {
                onnx[i * outSize + o] = hf[o * inSize + i];
            }
        }
        String w = "onnx::MatMul_" + (anonymous++);
        if (externalData) {
            externalData = false;
            initializers.add(new ProtoWriter().packedVarints(1, inSize, outSize).varint(2, 1).string(8, w)
                    .message(13, new ProtoWriter().string(1, "location").string(2, "model.onnx_data"))
                    .varint(14, 1));
        } else {
            initializers.add(floatTensor(w, onnx, inSize, outSize));
        }
        param(module + ".bias", outSize);
        node("MatMul", scope + "/MatMul", List.of(in, w), scope + "/MatMul_output_0");
        // the exporter puts the bias first
        node("Add", scope + "/Add", List.of(module + ".bias", scope + "/MatMul_output_0"), scope + "/Add_output_0");
        return scope + "/Add_output_0";
    }

    private String layerNorm(String scope, String module, String in) {
        param(module + ".weight", hidden);
        param(module + ".bias", hidden);
        node("ReduceMean", scope + "/ReduceMean", List.of(in), scope + "/ReduceMean_output_0");
        node("Sub", scope + "/Sub", List.of(in, scope + "/ReduceMean_output_0"), scope + "/Sub_output_0");
        node("Pow", scope + "/Pow", List.of(scope + "/Sub_output_0", constFloat(2f)), scope + "/Pow_output_0");
        node("ReduceMean", scope + "/ReduceMean_1", List.of(scope + "/Pow_output_0"), scope + "/ReduceMean_1_output_0");
        node("Add", scope + "/Add", List.of(scope + "/ReduceMean_1_output_0", constFloat(eps)), scope + "/Add_output_0");
        node("Sqrt", scope + "/Sqrt", List.of(scope + "/Add_output_0"), scope + "/Sqrt_output_0");
        node("Div", scope + "/Div", List.of(scope + "/Sub_output_0", scope + "/Sqrt_output_0"), scope + "/Div_output_0");
        node("Mul", scope + "/Mul", List.of(scope + "/Div_output_0", module + ".weight"), scope + "/Mul_output_0");
        node("Add", scope + "/Add_1", List.of(scope + "/Mul_output_0", module + ".bias"), scope + "/Add_1_output_0");
        return scope + "/Add_1_output_0";
    }

    private String gelu(String scope, String in) {
        node("Div", scope + "/Div", List.of(in, constFloat(1.4142135f)), scope + "/Div_output_0");
        node("Erf", scope + "/Erf", List.of(scope + "/Div_output_0"), scope + "/Erf_output_0");
        node("Add", scope + "/Add", List.of(scope + "/Erf_output_0", constFloat(1f)), scope + "/Add_output_0");
        node("Mul", scope + "/Mul", List.of(in, scope + "/Add_output_0"), scope + "/Mul_output_0");
        node("Mul", scope + "/Mul_1", List.of(scope + "/Mul_output_0", constFloat(0.5f)), scope + "/Mul_1_output_0");
        return scope + "/Mul_1_output_0";
    }

    private void param(String name, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = randoms(n);
        expected.put(name, v);
        expectedShapes.put(name, shape);
        initializers.add(floatTensor(name, v, shape));
    }

    private String constFloat(float value) {
        String out = "/Constant_" + (constants++) + "_output_0";
        node("Constant", "/Constant_" + constants, List.of(), out).message(5, new ProtoWriter().string(1, "value")
                .message(5, floatTensor("", new float[] {value})).varint(20, 4));
        return out;
    }

    private String constLong(long[] values, int... dims) {
        String out = "/Constant_" + (constants++) + "_output_0";
        node("Constant", "/Constant_" + constants, List.of(), out).message(5, new ProtoWriter().string(1, "value")
                .message(5, longTensor("", values, dims)).varint(20, 4));
        return out;
    }

    private ProtoWriter node(String op, String name, List<String> inputs, String output) {
        ProtoWriter n = new ProtoWriter();
        for (String in : inputs) {
            n.string(1, in);
        }
        n.string(2, output).string(3, name).string(4, op);
        nodes.add(n);
        return n;
    }

    private float[] randoms(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    static ProtoWriter floatTensor(String name, float[] values, int... dims) {
        ProtoWriter t = new ProtoWriter();
        for (int d : dims) {
            t.varint(1, d);
        }
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return t.varint(2, 1).string(8, name).bytes(9, raw.array());
    }

    static ProtoWriter longTensor(String name, long[] values, int... dims) {
        ProtoWriter t = new ProtoWriter();
        for (int d : dims) {
            t.varint(1, d);
        }
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return t.varint(2, 7).string(8, name).bytes(9, raw.array());
    }
}
