package dev.jbert.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** save then load keeps unknown fields and applies the withers' changes. */
class ModelConfigRoundTripTest {
    @TempDir
    Path tmp;

    private static final String WITH_UNKNOWNS = """
            {
              "architectures": ["BertModel"],
              "model_type": "bert",
              "vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
              "intermediate_size": 1536, "max_position_embeddings": 512, "layer_norm_eps": 1e-12,
              "hidden_act": "gelu_pytorch_tanh",
              "transformers_version": "4.57.6",
              "torch_dtype": "float32",
              "gradient_checkpointing": false,
              "custom_nested": {"b": [1, 2.5, "x", null], "a": {"deep": true}},
              "name_or_path": "caf\\u00e9/mod\\u00e8le",
              "num_labels": 2
            }
            """;

    @Test
    void unknownFieldsSurviveSaveAndLoad() throws IOException {
        ModelConfig c = ModelConfig.parse(WITH_UNKNOWNS);
        assertEquals(Activation.GELU_TANH, c.hiddenAct());
        ModelConfig changed = c.withLabels(List.of("negative", "neutral", "positive"))
                .withProblemType(ProblemType.SINGLE_LABEL_CLASSIFICATION)
                .withArchitectures("BertForSequenceClassification")
                .withDropout(0.0);
        Path file = changed.save(tmp.resolve("run1"));
        assertEquals(tmp.resolve("run1/config.json"), file);

        ModelConfig back = ModelConfig.load(tmp.resolve("run1"));
        assertEquals(changed, back);
        assertEquals(List.of("negative", "neutral", "positive"), back.labels());
        assertEquals(Map.of("negative", 0, "neutral", 1, "positive", 2), back.label2id());
        assertEquals(3, back.numLabels());
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, back.problemType());
        assertEquals(List.of("BertForSequenceClassification"), back.architectures());
        assertEquals(0.0, back.hiddenDropoutProb());
        assertEquals(0.0, back.attentionProbsDropoutProb());
        assertEquals(0.0, back.classifierDropout());

        JsonNode saved = new ObjectMapper().readTree(file.toFile());
        assertEquals("4.57.6", saved.get("transformers_version").asText());
        assertEquals("float32", saved.get("torch_dtype").asText());
        assertEquals("gelu_pytorch_tanh", saved.get("hidden_act").asText(), "the original spelling is kept");
        assertEquals(new ObjectMapper().readTree("{\"b\": [1, 2.5, \"x\", null], \"a\": {\"deep\": true}}"),
                saved.get("custom_nested"));
        assertEquals("café/modèle", saved.get("name_or_path").asText());
        assertFalse(saved.has("num_labels"), "Hugging Face stores labels as id2label/label2id only");
        assertEquals("positive", saved.get("id2label").get("2").asText());
        assertEquals(2, saved.get("label2id").get("positive").asInt());

        String text = Files.readString(file);
        assertTrue(text.endsWith("}\n"));
        assertTrue(text.contains("\"layer_norm_eps\": 1e-12,"), "Python's float format");
        assertTrue(text.contains("\"name_or_path\": \"caf\\u00e9/mod\\u00e8le\""), "ASCII-only, as json.dumps writes");
        assertTrue(text.indexOf("\"architectures\"") < text.indexOf("\"vocab_size\""), "keys sorted");
        assertEquals(text, back.toJson(), "load then save is stable");
    }

    @Test
    void withersLeaveTheOriginalUnchanged() {
        ModelConfig c = ModelConfig.parse(WITH_UNKNOWNS);
        String before = c.toJson();
        c.withNumLabels(7).withProblemType("regression").withDropout(0.3);
        assertEquals(before, c.toJson());
        ModelConfig cleared = c.withProblemType("multi_label_classification").withProblemType((String) null);
        assertNull(cleared.problemType());
        assertEquals(7, c.withNumLabels(7).numLabels());
        assertEquals("LABEL_6", c.withNumLabels(7).labels().get(6));
    }

    @Test
    void distilbertDropoutCoversEveryField() throws IOException {
        ModelConfig c = ModelConfig.distilbertBase().withDropout(0.05);
        JsonNode j = new ObjectMapper().readTree(c.toJson());
        for (String k : new String[] {"dropout", "attention_dropout", "seq_classif_dropout", "qa_dropout"}) {
            assertEquals(0.05, j.get(k).asDouble(), k);
        }
        assertEquals(0.05, c.classifierDropout());
    }

    @Test
    void builtConfigsSaveAsHuggingFaceFiles() throws IOException {
        ModelConfig d = ModelConfig.distilbertBase();
        assertEquals(ModelType.DISTILBERT, d.modelType());
        assertEquals(768, d.hiddenSize());
        assertEquals(6, d.numLayers());
        assertEquals(12, d.numHeads());
        assertEquals(3072, d.intermediateSize());
        assertEquals(30522, d.vocabSize());
        assertEquals(0.2, d.classifierDropout());
        ModelConfig b = ModelConfig.bertBase();
        assertEquals(12, b.numLayers());
        assertEquals(0.1, b.classifierDropout());

        ModelConfig tiny = ModelConfig.builder(ModelType.BERT).vocabSize(1000).hiddenSize(64).numLayers(2).numHeads(4)
                .intermediateSize(128).maxPositionEmbeddings(64).hiddenAct(Activation.GELU_TANH)
                .labels("neg", "pos").problemType(ProblemType.SINGLE_LABEL_CLASSIFICATION)
                .architectures("BertForSequenceClassification").dropout(0.0).build();
        tiny.save(tmp);
        ModelConfig back = ModelConfig.load(tmp.resolve("config.json"));
        assertEquals(tiny, back);
        assertEquals(Activation.GELU_TANH, back.hiddenAct());
        assertEquals(List.of("neg", "pos"), back.labels());
        assertEquals(0.0, back.classifierDropout());
        JsonNode j = new ObjectMapper().readTree(tmp.resolve("config.json").toFile());
        assertEquals("gelu_new", j.get("hidden_act").asText());
        assertEquals("absolute", j.get("position_embedding_type").asText());

        ModelConfig sinus = ModelConfig.builder(ModelType.DISTILBERT).sinusoidalPosEmbds(true).padTokenId(null).build();
        assertTrue(sinus.sinusoidalPosEmbds());
        assertEquals(-1, sinus.padTokenId());
        assertEquals(sinus, ModelConfig.parse(sinus.toJson()));
    }
}
