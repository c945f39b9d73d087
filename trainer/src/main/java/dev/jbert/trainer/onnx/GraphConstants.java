package dev.jbert.trainer.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * Values of a graph that are known without running it: initializers, {@code Constant} nodes,
 * and the shape vectors exporters build from them ({@code Concat} of {@code Unsqueeze}d pieces,
 * {@code Cast}). A piece computed at run time (from {@code Shape}, say) is an unknown entry.
 */
final class GraphConstants {
    private final OnnxGraph graph;

    GraphConstants(OnnxGraph graph) {
        this.graph = graph;
    }

    /** The tensor behind a value, where it is an initializer or a Constant node's {@code value}; else null. */
    OnnxTensor tensor(String value) {
        OnnxTensor t = graph.initializer(value);
        if (t != null) {
            return t;
        }
        OnnxNode node = graph.producer(value);
        if (node != null && node.opType().equals("Constant")) {
            OnnxAttribute a = node.attribute("value");
            return a == null ? null : a.t();
        }
        return null;
    }

    /**
     * A constant float scalar (or one-element tensor), or null. A float32 constant comes back as
     * the shortest decimal that rounds to it (1e-12 rather than 9.999999960041972e-13).
     */
    Double scalar(String value) {
        OnnxNode node = graph.producer(value);
        if (node != null && node.opType().equals("Constant") && node.attribute("value_float") != null) {
            return shortest(node.attribute("value_float").f());
        }
        OnnxTensor t = tensor(value);
        if (t == null || t.numel() != 1 || t.type() == null || !t.type().isFloating()) {
            return null;
        }
        if (t.type() == OnnxDataType.DOUBLE && t.rawData() == null && t.doubleData().length == 1) {
            return t.doubleData()[0];
        }
        return shortest(t.floats()[0]);
    }

    /**
     * An integer vector: each entry known, or null where computed at run time. Returns null
     * where even the length is unknown.
     */
    List<Long> ints(String value) {
        return ints(value, 0);
    }

    private List<Long> ints(String value, int depth) {
        if (depth > 16) {
            return null;
        }
        OnnxNode node = graph.producer(value);
        if (node != null && node.opType().equals("Constant") && node.attribute("value_ints") != null) {
            return new ArrayList<>(node.attribute("value_ints").ints());
        }
        OnnxTensor t = tensor(value);
        if (t != null) {
            if (t.type() == null || !t.type().isInteger() || t.numel() > 64) {
                return null;
            }
            List<Long> out = new ArrayList<>();
            for (long v : t.longs()) {
                out.add(v);
            }
            return out;
        }
        if (node == null) {
            return null;
        }
        switch (node.opType()) {
            case "Concat" -> {
                List<Long> out = new ArrayList<>();
                for (String in : node.inputs()) {
                    List<Long> part = ints(in, depth + 1);
                    if (part == null) {
                        return null;
                    }
                    out.addAll(part);
                }
                return out;
            }
            case "Unsqueeze" -> {
                // in shape arithmetic, Unsqueeze turns a scalar into a one-element vector
                List<Long> part = ints(node.input(0), depth + 1);
                if (part == null) {
                    List<Long> unknown = new ArrayList<>();
                    unknown.add(null);
                    return unknown;
                }
                return part;
            }
            case "Cast", "Identity" -> {
                return ints(node.input(0), depth + 1);
            }
            default -> {
                return null;
            }
        }
    }

    /** A float32 constant as the short decimal a person wrote (1e-12, not 9.999999960041972e-13). */
    static double shortest(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}
