package dev.jbert.engine.config;

import java.util.Map;

/**
 * The feed-forward activation ({@code hidden_act} for BERT, {@code activation} for DistilBERT),
 * mapped from the names of Hugging Face's {@code ACT2FN} that compute exactly these functions:
 * <ul>
 *   <li>{@link #GELU}: x·Φ(x) with the exact erf ({@code "gelu"}, and {@code "gelu_python"},
 *       the same formula written in Python);</li>
 *   <li>{@link #GELU_TANH}: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) ({@code "gelu_new"},
 *       {@code "gelu_pytorch_tanh"});</li>
 *   <li>{@link #RELU}: max(0, x) ({@code "relu"}).</li>
 * </ul>
 * Every other name is refused, {@code "gelu_fast"} included: it is the tanh formula with the
 * constant truncated to 0.7978845608 and evaluated in another order, so not the same numbers.
 */
public enum Activation {
    GELU("gelu"),
    GELU_TANH("gelu_new"),
    RELU("relu");

    private static final Map<String, Activation> BY_HF_NAME = Map.of(
            "gelu", GELU,
            "gelu_python", GELU,
            "gelu_new", GELU_TANH,
            "gelu_pytorch_tanh", GELU_TANH,
            "relu", RELU);

    /** For messages: the accepted names. */
    static final String ACCEPTED = "gelu, gelu_new, gelu_pytorch_tanh, gelu_python, relu";

    private final String hfName;

    Activation(String hfName) {
        this.hfName = hfName;
    }

    /** The name written into a new {@code config.json}. */
    public String hfName() {
        return hfName;
    }

    /** The activation a Hugging Face name stands for, or null if it is not supported. */
    public static Activation fromHfName(String name) {
        return BY_HF_NAME.get(name);
    }
}
