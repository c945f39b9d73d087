package dev.jbert.engine.config;

/**
 * A model configuration ({@code config.json}) is unreadable, malformed or asks for something
 * the engine does not support. The message names the file and the field, what was expected
 * and what was found, e.g. {@code config.json: hidden_act 'swish' is not supported (expected
 * one of gelu, gelu_new, gelu_pytorch_tanh, gelu_python, relu)}.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
