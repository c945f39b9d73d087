package dev.jbert.trainer.onnx;

import java.util.List;

/**
 * One {@code AttributeProto} of a node, with the fields the importer reads: a float, an int, a
 * string, a tensor, or lists of floats and ints. Unset fields are null (lists: empty).
 */
public record OnnxAttribute(String name, Float f, Long i, String s, OnnxTensor t, List<Float> floats,
                            List<Long> ints) {
}
