package dev.jbert.engine.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.io.AtomicFiles;
import dev.jbert.engine.io.HfJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A BERT or DistilBERT configuration, parsed from Hugging Face's {@code config.json} into one
 * normalised view: DistilBERT's {@code dim}, {@code n_layers}, {@code n_heads},
 * {@code hidden_dim}, {@code activation}, {@code dropout}, {@code attention_dropout},
 * {@code seq_classif_dropout} read as {@link #hiddenSize()}, {@link #numLayers()} ... and the
 * values Hugging Face hard-codes filled in (DistilBERT: LayerNorm eps 1e-12, no token types).
 *
 * <p>The original JSON tree is kept, so {@link #save} writes back a file Hugging Face reads
 * with every field it had, unknown ones included, and only the fields a wither changed
 * updated. Instances are immutable; withers return new ones. Every instance, however made,
 * has passed the same validation: required sizes present and integers, sizes positive,
 * hidden size a multiple of the heads, dropouts in [0, 1), eps positive, and only what the
 * engine computes ({@code position_embedding_type} "absolute", no decoder, the activations of
 * {@link Activation}, the problem types of {@link ProblemType}).
 */
public final class ModelConfig {
    public static final String FILE_NAME = "config.json";

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String source;
    private final ObjectNode json;
    private final ModelType modelType;
    private final int vocabSize;
    private final int hiddenSize;
    private final int numLayers;
    private final int numHeads;
    private final int intermediateSize;
    private final Activation hiddenAct;
    private final double layerNormEps;
    private final int maxPositionEmbeddings;
    private final int typeVocabSize;
    private final int padTokenId;
    private final boolean sinusoidalPosEmbds;
    private final double hiddenDropoutProb;
    private final double attentionProbsDropoutProb;
    private final double classifierDropout;
    private final List<String> labels;
    private final ProblemType problemType;
    private final List<String> architectures;

    private ModelConfig(String source, ObjectNode json) {
        this.source = source;
        this.json = json;
        ConfigFields f = new ConfigFields(source, json);
        String type = f.stringOrNull("model_type");
        if (type == null) {
            throw f.error("missing field 'model_type' (expected \"bert\" or \"distilbert\")");
        }
        modelType = ModelType.fromHfName(type);
        if (modelType == null) {
            throw f.error("model_type '" + type + "' is not supported (expected bert or distilbert)");
        }
        Keys k = Keys.of(modelType);
        boolean bert = modelType == ModelType.BERT;
        vocabSize = f.requiredInt("vocab_size", null, "the vocabulary size");
        hiddenSize = f.requiredInt(k.hidden, bert ? null : "hidden_size", "the hidden size");
        numLayers = f.requiredInt(k.layers, bert ? null : "num_hidden_layers", "the number of encoder layers");
        numHeads = f.requiredInt(k.heads, bert ? null : "num_attention_heads", "the number of attention heads");
        intermediateSize = f.requiredInt(k.intermediate, null, "the feed-forward size");
        maxPositionEmbeddings = f.requiredInt("max_position_embeddings", null, "the number of positions");
        typeVocabSize = bert ? f.optionalInt("type_vocab_size", null, 2) : 0;
        layerNormEps = bert ? f.optionalDouble("layer_norm_eps", 1e-12) : 1e-12;
        sinusoidalPosEmbds = !bert && f.optionalBoolean("sinusoidal_pos_embds", false);
        hiddenDropoutProb = f.optionalDouble(k.hiddenDropout, 0.1);
        attentionProbsDropoutProb = f.optionalDouble(k.attentionDropout, 0.1);
        Double classifier = f.doubleOrNull(k.classifierDropout);
        classifierDropout = classifier != null ? classifier : bert ? hiddenDropoutProb : 0.2;

        String act = f.stringOrNull(k.activation);
        hiddenAct = Activation.fromHfName(act == null ? "gelu" : act);
        if (hiddenAct == null) {
            throw f.error(k.activation + " '" + act + "' is not supported (expected one of " + Activation.ACCEPTED + ")");
        }
        if (bert) {
            String position = f.stringOrNull("position_embedding_type");
            if (position != null && !position.equals("absolute")) {
                throw f.error("position_embedding_type '" + position + "' is not supported (expected absolute)");
            }
            if (f.optionalBoolean("is_decoder", false)) {
                throw f.error("is_decoder is true: a causal decoder is not supported (expected false or absent)");
            }
        }
        JsonNode pad = json.get("pad_token_id");
        padTokenId = pad != null && pad.isNull() ? -1 : f.optionalInt("pad_token_id", null, 0);
        labels = readLabels(f);
        String problem = f.stringOrNull("problem_type");
        problemType = problem == null ? null : ProblemType.fromHfName(problem);
        if (problem != null && problemType == null) {
            throw f.error("problem_type '" + problem + "' is not supported (expected null, single_label_classification, "
                    + "multi_label_classification or regression)");
        }
        architectures = readArchitectures(f);
        validate(f, k);
    }

    /** The JSON keys of each concept for one model type. */
    private record Keys(String hidden, String layers, String heads, String intermediate, String activation,
                        String hiddenDropout, String attentionDropout, String classifierDropout, List<String> dropouts) {
        static Keys of(ModelType t) {
            return t == ModelType.BERT
                    ? new Keys("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act",
                    "hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout",
                    List.of("hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"))
                    : new Keys("dim", "n_layers", "n_heads", "hidden_dim", "activation",
                    "dropout", "attention_dropout", "seq_classif_dropout",
                    List.of("dropout", "attention_dropout", "seq_classif_dropout", "qa_dropout"));
        }
    }

    private static List<String> readLabels(ConfigFields f) {
        Integer numLabels = f.intOrNull("num_labels", null);
        JsonNode id2label = f.get("id2label");
        if (id2label == null) {
            int n = numLabels == null ? 2 : numLabels;
            if (n < 1) {
                throw f.error("num_labels is " + n + ", expected at least 1");
            }
            return defaultLabels(n);
        }
        if (!id2label.isObject()) {
            throw f.error("id2label is " + ConfigFields.describe(id2label) + ", expected an object of \"id\": \"name\"");
        }
        int n = id2label.size();
        if (n == 0) {
            throw f.error("id2label is empty, expected at least one label");
        }
        String[] names = new String[n];
        for (Map.Entry<String, JsonNode> e : id2label.properties()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                id = -1;
            }
            if (id < 0 || id >= n || names[id] != null) {
                throw f.error("id2label has the key '" + e.getKey() + "'; expected the ids 0.." + (n - 1)
                        + ", each once (one per label)");
            }
            if (!e.getValue().isTextual()) {
                throw f.error("id2label['" + e.getKey() + "'] is " + ConfigFields.describe(e.getValue())
                        + ", expected a label name");
            }
            names[id] = e.getValue().textValue();
        }
        if (numLabels != null && numLabels != n) {
            throw f.error("num_labels is " + numLabels + " but id2label has " + n + " labels; expected them to agree");
        }
        JsonNode label2id = f.get("label2id");
        if (label2id != null) {
            if (!label2id.isObject()) {
                throw f.error("label2id is " + ConfigFields.describe(label2id) + ", expected an object of \"name\": id");
            }
            for (Map.Entry<String, JsonNode> e : label2id.properties()) {
                if (!e.getValue().isIntegralNumber()) {
                    throw f.error("label2id['" + e.getKey() + "'] is " + ConfigFields.describe(e.getValue())
                            + ", expected an integer id");
                }
            }
        }
        return List.of(names);
    }

    private static List<String> defaultLabels(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("LABEL_" + i);
        }
        return Collections.unmodifiableList(out);
    }

    private static List<String> readArchitectures(ConfigFields f) {
        JsonNode a = f.get("architectures");
        if (a == null) {
            return List.of();
        }
        if (!a.isArray()) {
            throw f.error("architectures is " + ConfigFields.describe(a) + ", expected an array of class names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isTextual()) {
                throw f.error("architectures holds " + ConfigFields.describe(e) + ", expected class names");
            }
            out.add(e.textValue());
        }
        return List.copyOf(out);
    }

    private void validate(ConfigFields f, Keys k) {
        positive(f, "vocab_size", vocabSize);
        positive(f, k.hidden, hiddenSize);
        positive(f, k.layers, numLayers);
        positive(f, k.heads, numHeads);
        positive(f, k.intermediate, intermediateSize);
        positive(f, "max_position_embeddings", maxPositionEmbeddings);
        if (modelType == ModelType.BERT) {
            positive(f, "type_vocab_size", typeVocabSize);
        }
        if (hiddenSize % numHeads != 0) {
            throw f.error(k.hidden + " " + hiddenSize + " is not a multiple of " + k.heads + " " + numHeads
                    + " (expected " + k.hidden + " = heads x head size)");
        }
        probability(f, k.hiddenDropout, hiddenDropoutProb);
        probability(f, k.attentionDropout, attentionProbsDropoutProb);
        probability(f, k.classifierDropout, classifierDropout);
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw f.error("layer_norm_eps is " + layerNormEps + ", expected a positive number");
        }
        if (padTokenId < -1 || padTokenId >= vocabSize) {
            throw f.error("pad_token_id is " + padTokenId + ", expected an id below vocab_size " + vocabSize + " (or null)");
        }
    }

    private static void positive(ConfigFields f, String key, int v) {
        if (v < 1) {
            throw f.error(key + " is " + v + ", expected a positive integer");
        }
    }

    private static void probability(ConfigFields f, String key, double p) {
        if (!(p >= 0 && p < 1)) {
            throw f.error(key + " is " + p + ", expected a probability in [0, 1)");
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads {@code config.json} from a file, or from a folder holding one. */
    public static ModelConfig load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses JSON text; messages name it {@code config.json}. */
    public static ModelConfig parse(String json) {
        return parse(json, FILE_NAME);
    }

    /** Parses JSON text; messages name it {@code source}. */
    public static ModelConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": is " + ConfigFields.describe(root) + ", expected a JSON object");
        }
        return new ModelConfig(source, (ObjectNode) root);
    }

    /** From a JSON tree (copied). */
    public static ModelConfig fromJson(ObjectNode tree, String source) {
        return new ModelConfig(source, tree.deepCopy());
    }

    /** A builder with Hugging Face's defaults for the type (bert-base / distilbert-base sizes). */
    public static ModelConfigBuilder builder(ModelType type) {
        return new ModelConfigBuilder(type);
    }

    /** bert-base: 12 layers, hidden 768, 12 heads, feed-forward 3072, vocabulary 30522, 512 positions. */
    public static ModelConfig bertBase() {
        return builder(ModelType.BERT).build();
    }

    /** distilbert-base: 6 layers, dim 768, 12 heads, hidden_dim 3072, vocabulary 30522, 512 positions. */
    public static ModelConfig distilbertBase() {
        return builder(ModelType.DISTILBERT).build();
    }

    // ---------------------------------------------------------------- the normalised view

    public ModelType modelType() {
        return modelType;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** C. BERT {@code hidden_size}, DistilBERT {@code dim}. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** BERT {@code num_hidden_layers}, DistilBERT {@code n_layers}. */
    public int numLayers() {
        return numLayers;
    }

    /** H. BERT {@code num_attention_heads}, DistilBERT {@code n_heads}. */
    public int numHeads() {
        return numHeads;
    }

    /** D = C / H. */
    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** F. BERT {@code intermediate_size}, DistilBERT {@code hidden_dim}. */
    public int intermediateSize() {
        return intermediateSize;
    }

    /** BERT {@code hidden_act}, DistilBERT {@code activation}; default gelu. */
    public Activation hiddenAct() {
        return hiddenAct;
    }

    /** BERT {@code layer_norm_eps} (default 1e-12); DistilBERT always 1e-12. */
    public double layerNormEps() {
        return layerNormEps;
    }

    public int maxPositionEmbeddings() {
        return maxPositionEmbeddings;
    }

    /** BERT {@code type_vocab_size} (default 2); DistilBERT 0: no token type embeddings. */
    public int typeVocabSize() {
        return typeVocabSize;
    }

    /** The padding id whose embedding row is zero and gets no gradient (default 0); -1 when the config says null. */
    public int padTokenId() {
        return padTokenId;
    }

    /** DistilBERT {@code sinusoidal_pos_embds}: fixed sinusoidal position table; always false for BERT. */
    public boolean sinusoidalPosEmbds() {
        return sinusoidalPosEmbds;
    }

    /** BERT {@code hidden_dropout_prob}, DistilBERT {@code dropout}; default 0.1. */
    public double hiddenDropoutProb() {
        return hiddenDropoutProb;
    }

    /** BERT {@code attention_probs_dropout_prob}, DistilBERT {@code attention_dropout}; default 0.1. */
    public double attentionProbsDropoutProb() {
        return attentionProbsDropoutProb;
    }

    /**
     * Dropout before the classifier: BERT {@code classifier_dropout}, or {@code hidden_dropout_prob}
     * when that is null; DistilBERT {@code seq_classif_dropout} (default 0.2).
     */
    public double classifierDropout() {
        return classifierDropout;
    }

    /** Always "absolute": other types are refused. */
    public String positionEmbeddingType() {
        return "absolute";
    }

    /** L: the size of {@code id2label}, else {@code num_labels}, else 2 (Hugging Face's default). */
    public int numLabels() {
        return labels.size();
    }

    /** Label names in id order ({@code LABEL_i} where the config names none). */
    public List<String> labels() {
        return labels;
    }

    public Map<Integer, String> id2label() {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            out.put(i, labels.get(i));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The inverse of {@link #id2label()} (the first id of a repeated name). */
    public Map<String, Integer> label2id() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            out.putIfAbsent(labels.get(i), i);
        }
        return Collections.unmodifiableMap(out);
    }

    /** The configured problem type, or null: then the data decides, as in Hugging Face. */
    public ProblemType problemType() {
        return problemType;
    }

    /** Model class names, e.g. {@code ["BertForSequenceClassification"]}; empty when absent. */
    public List<String> architectures() {
        return architectures;
    }

    /** Where this config came from, for messages. */
    public String source() {
        return source;
    }

    // ---------------------------------------------------------------- withers

    /** New label names (ids in list order): rewrites {@code id2label} and {@code label2id}. */
    public ModelConfig withLabels(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one label is needed");
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            Objects.requireNonNull(n, "label name");
            if (!seen.add(n)) {
                throw new IllegalArgumentException("label '" + n + "' appears twice in " + names);
            }
        }
        return edit(j -> {
            ObjectNode id2label = j.objectNode();
            ObjectNode label2id = j.objectNode();
            for (int i = 0; i < names.size(); i++) {
                id2label.put(Integer.toString(i), names.get(i));
                label2id.put(names.get(i), i);
            }
            j.set("id2label", id2label);
            j.set("label2id", label2id);
            j.remove("num_labels");
        });
    }

    /** {@code n} labels named {@code LABEL_0} ... as Hugging Face names them by default. */
    public ModelConfig withNumLabels(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("num_labels must be at least 1, got " + n);
        }
        return withLabels(defaultLabels(n));
    }

    /** Sets {@code problem_type}; null clears it. */
    public ModelConfig withProblemType(ProblemType type) {
        return edit(j -> {
            if (type == null) {
                j.putNull("problem_type");
            } else {
                j.put("problem_type", type.hfName());
            }
        });
    }

    /** Sets {@code problem_type} by its Hugging Face name; null clears it; other names are refused. */
    public ModelConfig withProblemType(String type) {
        if (type == null) {
            return withProblemType((ProblemType) null);
        }
        ProblemType t = ProblemType.fromHfName(type);
        if (t == null) {
            throw new ConfigException(source + ": problem_type '" + type + "' is not supported (expected null, "
                    + "single_label_classification, multi_label_classification or regression)");
        }
        return withProblemType(t);
    }

    public ModelConfig withArchitectures(List<String> classNames) {
        return edit(j -> {
            ArrayNode a = j.putArray("architectures");
            classNames.forEach(a::add);
        });
    }

    public ModelConfig withArchitectures(String... classNames) {
        return withArchitectures(Arrays.asList(classNames));
    }

    /**
     * Sets every dropout probability to {@code p}: BERT hidden, attention and classifier;
     * DistilBERT dropout, attention, sequence-classification and QA.
     */
    public ModelConfig withDropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        }
        return edit(j -> Keys.of(modelType).dropouts.forEach(key -> j.put(key, p)));
    }

    private ModelConfig edit(Consumer<ObjectNode> change) {
        ObjectNode copy = json.deepCopy();
        change.accept(copy);
        return new ModelConfig(source, copy);
    }

    // ---------------------------------------------------------------- writing

    /** A copy of the JSON tree this config was read from, with the withers' changes. */
    public ObjectNode jsonTree() {
        return json.deepCopy();
    }

    /** The text {@link #save} writes: Hugging Face's own layout (sorted keys, indent 2, final newline). */
    public String toJson() {
        return HfJson.write(json) + "\n";
    }

    /** Writes {@code dir/config.json} atomically; returns its path. */
    public Path save(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        AtomicFiles.writeString(file, toJson());
        return file;
    }

    /** Equal when the JSON trees are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && json.equals(c.json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return "ModelConfig[" + modelType.hfName() + ", vocab " + vocabSize + ", hidden " + hiddenSize + ", "
                + numLayers + " layers, " + numHeads + " heads, ffn " + intermediateSize + ", " + hiddenAct.hfName()
                + ", " + numLabels() + " labels" + (problemType == null ? "" : ", " + problemType.hfName()) + "]";
    }
}
