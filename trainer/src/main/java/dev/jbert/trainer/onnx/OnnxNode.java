package dev.jbert.trainer.onnx;

import java.util.List;
import java.util.Map;

/**
 * One {@code NodeProto}: an operator, the names of the values it reads and writes (an empty
 * input name is an omitted optional input), and its attributes by name.
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, OnnxAttribute> attributes) {

    /** Input {@code i}, or null where the node has fewer inputs. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    public OnnxAttribute attribute(String attributeName) {
        return attributes.get(attributeName);
    }

    /** An int attribute, or {@code fallback} where it is absent. */
    public long intAttribute(String attributeName, long fallback) {
        OnnxAttribute a = attributes.get(attributeName);
        return a == null || a.i() == null ? fallback : a.i();
    }

    /** For messages: the node's name (or its operator, where it has none). */
    public String label() {
        return name.isEmpty() ? opType + " node writing '" + (outputs.isEmpty() ? "?" : outputs.get(0)) + "'"
                : opType + " node '" + name + "'";
    }
}
