package dev.jbert.trainer.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code GraphProto}: nodes in file order, initializers by name, and the graph's input and
 * output names, indexed so the importer can walk from a value to the node that writes it and
 * to the nodes that read it.
 */
public final class OnnxGraph {
    private final List<OnnxNode> nodes;
    private final Map<String, OnnxTensor> initializers;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    public OnnxGraph(List<OnnxNode> nodes, Map<String, OnnxTensor> initializers, List<String> inputs,
                     List<String> outputs) {
        this.nodes = List.copyOf(nodes);
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        for (OnnxNode node : this.nodes) {
            for (String out : node.outputs()) {
                producers.put(out, node);
            }
            for (String in : node.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
                }
            }
        }
    }

    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** Initializers in file order. */
    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    public OnnxTensor initializer(String name) {
        return initializers.get(name);
    }

    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** The node that writes a value, or null (graph inputs, initializers). */
    public OnnxNode producer(String value) {
        return producers.get(value);
    }

    /** The nodes that read a value, in file order. */
    public List<OnnxNode> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    public boolean hasOp(String opType) {
        for (OnnxNode n : nodes) {
            if (n.opType().equals(opType)) {
                return true;
            }
        }
        return false;
    }
}
