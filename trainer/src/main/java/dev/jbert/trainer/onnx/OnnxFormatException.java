package dev.jbert.trainer.onnx;

/**
 * The bytes are not a well-formed ONNX protobuf, or hold something the importer cannot take
 * (external data, an unmappable weight). The message says what and where, but not the file:
 * {@link OnnxImporter} prefixes it.
 */
public final class OnnxFormatException extends RuntimeException {
    public OnnxFormatException(String message) {
        super(message);
    }
}
