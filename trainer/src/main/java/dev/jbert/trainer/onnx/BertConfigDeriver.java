package dev.jbert.trainer.onnx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Works out a Hugging Face {@code BertConfig} from an exported graph: sizes from the weights'
 * shapes, the number of heads from the shape constant of the attention's Reshape
 * ({@code [B, T, H, D]}), the LayerNorm epsilon from the constant added to the variance (or the
 * {@code epsilon} of a LayerNormalization node), the activation from the operators between the
 * intermediate and output projections (Erf: exact GELU). What inference graphs do not carry
 * (dropout rates, initializer range) gets Hugging Face's defaults.
 */
public final class BertConfigDeriver {
    private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    private static final Pattern LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\..*");

    private final OnnxGraph graph;
    private final GraphConstants constants;
    private final SortedMap<String, Tensor> weights;
    private final List<String> warnings = new ArrayList<>();

    public BertConfigDeriver(OnnxGraph graph, SortedMap<String, Tensor> weights) {
        this.graph = graph;
        this.constants = new GraphConstants(graph);
        this.weights = weights;
    }

    /** Doubts that did not stop the derivation (layers that disagree on epsilon, say). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The config, fields in the order Hugging Face writes them. */
    public ObjectNode derive(int padTokenId) {
        String prefix = prefix();
        Tensor words = weight(prefix + WORD_EMBEDDINGS, 2);
        int vocab = words.dim(0);
        int hidden = words.dim(1);
        int positions = weight(prefix + "embeddings.position_embeddings.weight", 2).dim(0);
        int typeVocab = weight(prefix + "embeddings.token_type_embeddings.weight", 2).dim(0);
        int layers = layerCount(prefix);
        int intermediate = weight(prefix + "encoder.layer.0.intermediate.dense.bias", 1).dim(0);
        int heads = heads(prefix, hidden);
        double eps = layerNormEps();
        String act = activation(prefix);

        ObjectNode c = HfJson.MAPPER.createObjectNode();
        boolean classifier = !prefix.isEmpty() && weights.containsKey("classifier.weight");
        c.putArray("architectures").add(prefix.isEmpty() ? "BertModel"
                : classifier ? "BertForSequenceClassification" : "BertModel");
        c.put("model_type", "bert");
        c.put("attention_probs_dropout_prob", 0.1);
        c.put("hidden_act", act);
        c.put("hidden_dropout_prob", 0.1);
        c.put("hidden_size", hidden);
        if (classifier) {
            int labels = weight("classifier.weight", 2).dim(0);
            ObjectNode id2label = c.putObject("id2label");
            ObjectNode label2id = c.putObject("label2id");
            for (int i = 0; i < labels; i++) {
                id2label.put(Integer.toString(i), "LABEL_" + i);
                label2id.put("LABEL_" + i, i);
            }
        }
        c.put("initializer_range", 0.02);
        c.put("intermediate_size", intermediate);
        c.put("layer_norm_eps", eps);
        c.put("max_position_embeddings", positions);
        c.put("num_attention_heads", heads);
        c.put("num_hidden_layers", layers);
        c.put("pad_token_id", padTokenId);
        c.put("position_embedding_type", "absolute");
        c.put("type_vocab_size", typeVocab);
        c.put("vocab_size", vocab);
        c.put("torch_dtype", "float32");
        return c;
    }

    /** "" for a bare BertModel, "bert." for a model with a head. */
    private String prefix() {
        for (String name : weights.keySet()) {
            if (name.endsWith(WORD_EMBEDDINGS)) {
                return name.substring(0, name.length() - WORD_EMBEDDINGS.length());
            }
        }
        throw new OnnxFormatException("no '" + WORD_EMBEDDINGS + "' initializer, so this is not a BERT graph exported"
                + " from PyTorch (found " + weights.size() + " parameters"
                + (weights.isEmpty() ? "" : ", e.g. '" + weights.firstKey() + "'") + ")");
    }

    private Tensor weight(String name, int rank) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new OnnxFormatException("no '" + name + "' initializer (a BERT graph has one)");
        }
        if (t.rank() != rank) {
            throw new OnnxFormatException("initializer '" + name + "' has shape " + t.shapeString() + ", expected "
                    + rank + " dimensions");
        }
        return t;
    }

    private int layerCount(String prefix) {
        Set<Integer> seen = new TreeSet<>();
        for (String name : weights.keySet()) {
            if (name.startsWith(prefix)) {
                Matcher m = LAYER.matcher(name.substring(prefix.length()));
                if (m.matches()) {
                    seen.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        int n = seen.size();
        if (n == 0 || !seen.contains(0) || !seen.contains(n - 1)) {
            throw new OnnxFormatException("encoder layers " + seen + " are not numbered 0.." + (n - 1));
        }
        return n;
    }

    /** Heads from the shape of the Reshape that splits a projection into {@code [B, T, H, D]}. */
    private int heads(String prefix, int hidden) {
        for (String part : List.of("query", "key", "value")) {
            String bias = prefix + "encoder.layer.0.attention.self." + part + ".bias";
            for (OnnxNode reshape : reachable(bias, Set.of("Reshape"), 4)) {
                List<Long> shape = constants.ints(reshape.input(1));
                if (shape == null || shape.size() != 4) {
                    continue;
                }
                Long h = shape.get(2);
                Long d = shape.get(3);
                int heads;
                if (h != null && h > 0 && h <= hidden) {
                    heads = (int) (long) h;
                } else if (d != null && d > 0 && d <= hidden && hidden % d == 0) {
                    heads = (int) (hidden / d);
                } else {
                    continue;
                }
                if (hidden % heads != 0 || (d != null && d > 0 && (long) heads * d != hidden)) {
                    throw new OnnxFormatException(reshape.label() + " splits the hidden size " + hidden + " as " + shape
                            + ", which does not multiply out");
                }
                return heads;
            }
        }
        throw new OnnxFormatException("cannot find the number of attention heads: no Reshape with a constant"
                + " [B, T, H, D] shape follows the query, key or value projection of encoder layer 0");
    }

    /** LayerNorm epsilon: an explicit LayerNormalization's attribute, or the constant in Sqrt(ReduceMean(..) + eps). */
    private double layerNormEps() {
        Set<Double> found = new LinkedHashSet<>();
        for (OnnxNode n : graph.nodes()) {
            if (n.opType().equals("LayerNormalization")) {
                OnnxAttribute a = n.attribute("epsilon");
                found.add(a == null || a.f() == null ? 1e-5 : GraphConstants.shortest(a.f()));
            } else if (n.opType().equals("Add") && n.inputs().size() == 2 && feedsSqrt(n)) {
                for (int i = 0; i < 2; i++) {
                    OnnxNode other = graph.producer(n.input(1 - i));
                    Double eps = constants.scalar(n.input(i));
                    if (eps != null && other != null && other.opType().equals("ReduceMean")) {
                        found.add(eps);
                    }
                }
            }
        }
        if (found.isEmpty()) {
            throw new OnnxFormatException("cannot find the LayerNorm epsilon: no LayerNormalization node and no"
                    + " Add of a constant to a ReduceMean before a Sqrt");
        }
        if (found.size() > 1) {
            warnings.add("LayerNorms use different epsilons " + found + "; the config takes the first");
        }
        return found.iterator().next();
    }

    private boolean feedsSqrt(OnnxNode add) {
        for (OnnxNode c : graph.consumers(add.outputs().get(0))) {
            if (c.opType().equals("Sqrt")) {
                return true;
            }
        }
        return false;
    }

    /** The activation between {@code intermediate.dense} and {@code output.dense}, by its operators. */
    private String activation(String prefix) {
        String bias = prefix + "encoder.layer.0.intermediate.dense.bias";
        Set<String> ops = new TreeSet<>();
        OnnxNode gelu = null;
        for (OnnxNode n : reachable(bias, Set.of(), 8)) {
            ops.add(n.opType());
            if (n.opType().equals("Gelu") || n.opType().equals("FastGelu")) {
                gelu = n;
            }
        }
        if (gelu != null) {
            OnnxAttribute approximate = gelu.attribute("approximate");
            boolean tanh = gelu.opType().equals("FastGelu") || approximate != null && "tanh".equals(approximate.s());
            return tanh ? "gelu_new" : "gelu";
        }
        if (ops.contains("Erf")) {
            return "gelu";
        }
        if (ops.contains("Tanh")) {
            return "gelu_new";
        }
        if (ops.contains("Relu")) {
            return "relu";
        }
        if (ops.contains("Sigmoid")) {
            return "silu";
        }
        throw new OnnxFormatException("cannot recognise the activation after '" + bias + "': the operators up to the"
                + " next MatMul are " + ops);
    }

    /**
     * Nodes downstream of the Add that applies a bias, up to {@code depth} steps and not past a
     * MatMul; where {@code wanted} is not empty, only those operators (and the walk stops at them).
     */
    private List<OnnxNode> reachable(String bias, Set<String> wanted, int depth) {
        List<OnnxNode> out = new ArrayList<>();
        Deque<Map.Entry<OnnxNode, Integer>> queue = new ArrayDeque<>();
        Set<OnnxNode> seen = new HashSet<>();
        for (OnnxNode add : graph.consumers(bias)) {
            if (add.opType().equals("Add")) {
                queue.add(Map.entry(add, 0));
            }
        }
        while (!queue.isEmpty()) {
            Map.Entry<OnnxNode, Integer> e = queue.poll();
            for (String value : e.getKey().outputs()) {
                for (OnnxNode next : graph.consumers(value)) {
                    if (!seen.add(next) || next.opType().equals("MatMul") || next.opType().equals("Gemm")) {
                        continue;
                    }
                    boolean match = wanted.isEmpty() || wanted.contains(next.opType());
                    if (match) {
                        out.add(next);
                    }
                    if (e.getValue() + 1 < depth && (wanted.isEmpty() || !match)) {
                        queue.add(Map.entry(next, e.getValue() + 1));
                    }
                }
            }
        }
        return out;
    }
}
