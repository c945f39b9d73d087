package dev.jbert.trainer.onnx;

/**
 * A {@code ModelProto}: the header fields worth reporting and the main graph.
 *
 * @param opsetVersion the version of the default ("" or "ai.onnx") operator set, or -1
 */
public record OnnxModel(long irVersion, String producerName, String producerVersion, long opsetVersion,
                        OnnxGraph graph) {
}
