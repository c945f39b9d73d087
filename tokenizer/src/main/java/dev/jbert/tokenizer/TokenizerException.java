package dev.jbert.tokenizer;

/**
 * A tokenizer could not be loaded, saved or applied: a missing or malformed vocabulary, an
 * unsupported {@code tokenizer.json}, a vocabulary without a required special token. The message
 * names the file and field, what was expected and what was found.
 */
public class TokenizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
