package dev.jbert.engine.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a {@link ModelConfig} in code (tests, random-weight benchmark models), starting from
 * Hugging Face's defaults for the type: bert-base (12 layers, 768 hidden, 12 heads, 3072
 * feed-forward, gelu, dropouts 0.1, eps 1e-12, 512 positions, 2 token types) or distilbert-base
 * (the same with 6 layers, classifier dropout 0.2). {@link #build()} writes the fields as
 * {@code config.json} would hold them and parses that, so a built config is validated exactly
 * like a loaded one and saves as a file Hugging Face reads.
 */
public final class ModelConfigBuilder {
    private final ModelType type;
    private int vocabSize = 30522;
    private int hiddenSize = 768;
    private int numLayers;
    private int numHeads = 12;
    private int intermediateSize = 3072;
    private Activation hiddenAct = Activation.GELU;
    private Double layerNormEps;
    private int maxPositionEmbeddings = 512;
    private Integer typeVocabSize;
    private Integer padTokenId = 0;
    private Boolean sinusoidalPosEmbds;
    private double hiddenDropoutProb = 0.1;
    private double attentionProbsDropoutProb = 0.1;
    private Double classifierDropout;
    private List<String> labels;
    private ProblemType problemType;
    private List<String> architectures;

    ModelConfigBuilder(ModelType type) {
        this.type = type;
        this.numLayers = type == ModelType.BERT ? 12 : 6;
    }

    public ModelConfigBuilder vocabSize(int v) {
        vocabSize = v;
        return this;
    }

    public ModelConfigBuilder hiddenSize(int v) {
        hiddenSize = v;
        return this;
    }

    public ModelConfigBuilder numLayers(int v) {
        numLayers = v;
        return this;
    }

    public ModelConfigBuilder numHeads(int v) {
        numHeads = v;
        return this;
    }

    public ModelConfigBuilder intermediateSize(int v) {
        intermediateSize = v;
        return this;
    }

    public ModelConfigBuilder hiddenAct(Activation v) {
        hiddenAct = v;
        return this;
    }

    /** BERT only (DistilBERT's is fixed at 1e-12). */
    public ModelConfigBuilder layerNormEps(double v) {
        layerNormEps = v;
        return this;
    }

    public ModelConfigBuilder maxPositionEmbeddings(int v) {
        maxPositionEmbeddings = v;
        return this;
    }

    /** BERT only (DistilBERT has no token types). */
    public ModelConfigBuilder typeVocabSize(int v) {
        typeVocabSize = v;
        return this;
    }

    /** The padding id; null for none. */
    public ModelConfigBuilder padTokenId(Integer v) {
        padTokenId = v;
        return this;
    }

    /** DistilBERT only. */
    public ModelConfigBuilder sinusoidalPosEmbds(boolean v) {
        sinusoidalPosEmbds = v;
        return this;
    }

    public ModelConfigBuilder hiddenDropoutProb(double v) {
        hiddenDropoutProb = v;
        return this;
    }

    public ModelConfigBuilder attentionProbsDropoutProb(double v) {
        attentionProbsDropoutProb = v;
        return this;
    }

    /** Null (BERT): fall back to the hidden dropout. */
    public ModelConfigBuilder classifierDropout(Double v) {
        classifierDropout = v;
        return this;
    }

    /** Every dropout probability at once. */
    public ModelConfigBuilder dropout(double p) {
        hiddenDropoutProb = p;
        attentionProbsDropoutProb = p;
        classifierDropout = p;
        return this;
    }

    /** Label names in id order; each once. */
    public ModelConfigBuilder labels(List<String> names) {
        if (new java.util.HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("label names must be distinct, got " + names);
        }
        labels = List.copyOf(names);
        return this;
    }

    public ModelConfigBuilder labels(String... names) {
        return labels(Arrays.asList(names));
    }

    /** {@code n} labels named {@code LABEL_0} ... */
    public ModelConfigBuilder numLabels(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("num_labels must be at least 1, got " + n);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("LABEL_" + i);
        }
        labels = names;
        return this;
    }

    public ModelConfigBuilder problemType(ProblemType v) {
        problemType = v;
        return this;
    }

    public ModelConfigBuilder architectures(String... classNames) {
        architectures = List.of(classNames);
        return this;
    }

    /** The fields as {@code config.json} holds them. */
    public ObjectNode toJson() {
        boolean bert = type == ModelType.BERT;
        if (!bert && layerNormEps != null && layerNormEps != 1e-12) {
            throw new IllegalArgumentException("DistilBERT's LayerNorm eps is fixed at 1e-12, got " + layerNormEps);
        }
        if (!bert && typeVocabSize != null && typeVocabSize != 0) {
            throw new IllegalArgumentException("DistilBERT has no token type embeddings, got type_vocab_size " + typeVocabSize);
        }
        if (bert && Boolean.TRUE.equals(sinusoidalPosEmbds)) {
            throw new IllegalArgumentException("BERT has no sinusoidal position embeddings");
        }
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        if (architectures != null) {
            ArrayNode a = j.putArray("architectures");
            architectures.forEach(a::add);
        }
        j.put("model_type", type.hfName());
        j.put("vocab_size", vocabSize);
        j.put("max_position_embeddings", maxPositionEmbeddings);
        j.put("initializer_range", 0.02);
        if (padTokenId == null) {
            j.putNull("pad_token_id");
        } else {
            j.put("pad_token_id", padTokenId);
        }
        if (bert) {
            j.put("hidden_size", hiddenSize);
            j.put("num_hidden_layers", numLayers);
            j.put("num_attention_heads", numHeads);
            j.put("intermediate_size", intermediateSize);
            j.put("hidden_act", hiddenAct.hfName());
            j.put("hidden_dropout_prob", hiddenDropoutProb);
            j.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
            if (classifierDropout == null) {
                j.putNull("classifier_dropout");
            } else {
                j.put("classifier_dropout", classifierDropout);
            }
            j.put("layer_norm_eps", layerNormEps == null ? 1e-12 : layerNormEps);
            j.put("type_vocab_size", typeVocabSize == null ? 2 : typeVocabSize);
            j.put("position_embedding_type", "absolute");
            j.put("use_cache", true);
        } else {
            j.put("dim", hiddenSize);
            j.put("n_layers", numLayers);
            j.put("n_heads", numHeads);
            j.put("hidden_dim", intermediateSize);
            j.put("activation", hiddenAct.hfName());
            j.put("dropout", hiddenDropoutProb);
            j.put("attention_dropout", attentionProbsDropoutProb);
            j.put("seq_classif_dropout", classifierDropout == null ? 0.2 : classifierDropout);
            j.put("qa_dropout", hiddenDropoutProb);
            j.put("sinusoidal_pos_embds", Boolean.TRUE.equals(sinusoidalPosEmbds));
        }
        if (labels != null) {
            ObjectNode id2label = j.putObject("id2label");
            ObjectNode label2id = j.putObject("label2id");
            for (int i = 0; i < labels.size(); i++) {
                id2label.put(Integer.toString(i), labels.get(i));
                label2id.put(labels.get(i), i);
            }
        }
        if (problemType != null) {
            j.put("problem_type", problemType.hfName());
        }
        return j;
    }

    /** Validates and builds; a bad value is a {@link ConfigException} naming the field. */
    public ModelConfig build() {
        return ModelConfig.fromJson(toJson(), "ModelConfig.builder(" + type + ")");
    }
}
