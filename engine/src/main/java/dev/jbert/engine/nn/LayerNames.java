package dev.jbert.engine.nn;

/**
 * Hugging Face's names for the parts of one encoder layer, relative to the layer's prefix.
 * BERT and DistilBERT compute the same post-LN block under different names.
 */
public record LayerNames(String query, String key, String value, String attentionOutput,
                         String attentionNorm, String ffnIn, String ffnOut, String outputNorm) {
    public static final LayerNames BERT = new LayerNames(
            "attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "attention.output.LayerNorm",
            "intermediate.dense", "output.dense", "output.LayerNorm");
    public static final LayerNames DISTILBERT = new LayerNames(
            "attention.q_lin", "attention.k_lin", "attention.v_lin",
            "attention.out_lin", "sa_layer_norm",
            "ffn.lin1", "ffn.lin2", "output_layer_norm");
}
