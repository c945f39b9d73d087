package dev.jbert.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the engine cannot run, or a file that is wrong, is refused with the field named. */
class ModelConfigValidationTest {
    private static ObjectNode bert() {
        return ModelConfig.builder(ModelType.BERT).vocabSize(100).hiddenSize(32).numLayers(1).numHeads(4)
                .intermediateSize(64).maxPositionEmbeddings(16).toJson();
    }

    private static ObjectNode distilbert() {
        return ModelConfig.builder(ModelType.DISTILBERT).vocabSize(100).hiddenSize(32).numLayers(1).numHeads(4)
                .intermediateSize(64).maxPositionEmbeddings(16).toJson();
    }

    private static void refused(ObjectNode base, Consumer<ObjectNode> change, String... expected) {
        ObjectNode j = base.deepCopy();
        change.accept(j);
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.parse(j.toString()));
        assertTrue(e.getMessage().startsWith("config.json: "), e.getMessage());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    void baseFixturesAreValid() {
        assertEquals(32, ModelConfig.parse(bert().toString()).hiddenSize());
        assertEquals(32, ModelConfig.parse(distilbert().toString()).hiddenSize());
    }

    @Test
    void unsupportedActivation() {
        refused(bert(), j -> j.put("hidden_act", "swish"),
                "hidden_act 'swish' is not supported (expected one of gelu, gelu_new, gelu_pytorch_tanh");
        refused(bert(), j -> j.put("hidden_act", "gelu_fast"), "hidden_act 'gelu_fast' is not supported");
        refused(distilbert(), j -> j.put("activation", "silu"), "activation 'silu' is not supported");
        refused(bert(), j -> j.put("hidden_act", 3), "hidden_act is a number (3), expected a string");
    }

    @Test
    void supportedActivationsMap() {
        for (String name : new String[] {"gelu_new", "gelu_pytorch_tanh"}) {
            ObjectNode j = bert().put("hidden_act", name);
            assertEquals(Activation.GELU_TANH, ModelConfig.parse(j.toString()).hiddenAct(), name);
        }
        assertEquals(Activation.GELU, ModelConfig.parse(bert().put("hidden_act", "gelu_python").toString()).hiddenAct());
        assertEquals(Activation.RELU, ModelConfig.parse(distilbert().put("activation", "relu").toString()).hiddenAct());
        assertEquals(Activation.GELU, ModelConfig.parse(bert().without("hidden_act").toString()).hiddenAct(),
                "absent: Hugging Face's default gelu");
    }

    @Test
    void unsupportedPositionEmbeddingType() {
        refused(bert(), j -> j.put("position_embedding_type", "relative_key_query"),
                "position_embedding_type 'relative_key_query' is not supported (expected absolute)");
    }

    @Test
    void unsupportedProblemType() {
        refused(bert(), j -> j.put("problem_type", "ranking"), "problem_type 'ranking' is not supported");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ModelConfig.parse(bert().toString()).withProblemType("ranking"));
        assertTrue(e.getMessage().contains("problem_type 'ranking'"), e.getMessage());
    }

    @Test
    void unsupportedModelType() {
        refused(bert(), j -> j.put("model_type", "roberta"), "model_type 'roberta' is not supported (expected bert or distilbert)");
        refused(bert(), j -> j.remove("model_type"), "missing field 'model_type'");
        refused(bert(), j -> j.put("is_decoder", true), "is_decoder");
    }

    @Test
    void missingRequiredFields() {
        for (String f : new String[] {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "max_position_embeddings"}) {
            refused(bert(), j -> j.remove(f), "missing field '" + f + "'");
            refused(bert(), j -> j.putNull(f), "missing field '" + f + "'");
        }
        for (String f : new String[] {"vocab_size", "dim", "n_layers", "n_heads", "hidden_dim", "max_position_embeddings"}) {
            refused(distilbert(), j -> j.remove(f), "missing field '" + f + "'");
        }
    }

    @Test
    void wrongTypes() {
        refused(bert(), j -> j.put("hidden_size", "768"), "hidden_size is a string (\"768\"), expected an integer");
        refused(bert(), j -> j.put("hidden_size", 768.0), "hidden_size is a number (768.0), expected an integer");
        refused(bert(), j -> j.put("vocab_size", 1L << 40), "vocab_size", "below 2^31");
        refused(bert(), j -> j.put("hidden_dropout_prob", "0.1"), "hidden_dropout_prob is a string");
        refused(distilbert(), j -> j.put("sinusoidal_pos_embds", "yes"), "sinusoidal_pos_embds", "true or false");
        refused(bert(), j -> j.putArray("id2label"), "id2label is an array");
        refused(bert(), j -> j.putObject("id2label").put("0", 5), "id2label['0'] is a number");
        refused(bert(), j -> j.put("architectures", "BertModel"), "architectures is a string");
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.parse("[1]"));
        assertTrue(e.getMessage().contains("expected a JSON object"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ModelConfig.parse("{\"model_type\": "));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ModelConfig.parse("{\"a\":1,\"a\":2}"));
        assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void inconsistentValues() {
        refused(bert(), j -> j.put("num_attention_heads", 5),
                "hidden_size 32 is not a multiple of num_attention_heads 5");
        refused(distilbert(), j -> j.put("n_heads", 3), "dim 32 is not a multiple of n_heads 3");
        refused(bert(), j -> j.put("num_hidden_layers", 0), "num_hidden_layers is 0, expected a positive integer");
        refused(bert(), j -> j.put("vocab_size", -5), "vocab_size is -5");
        refused(bert(), j -> j.put("type_vocab_size", 0), "type_vocab_size is 0");
        refused(bert(), j -> j.put("hidden_dropout_prob", 1.0), "hidden_dropout_prob is 1.0, expected a probability in [0, 1)");
        refused(bert(), j -> j.put("classifier_dropout", -0.1), "classifier_dropout is -0.1");
        refused(distilbert(), j -> j.put("seq_classif_dropout", 1.5), "seq_classif_dropout is 1.5");
        refused(bert(), j -> j.put("layer_norm_eps", 0.0), "layer_norm_eps is 0.0, expected a positive number");
        refused(bert(), j -> j.put("pad_token_id", 100), "pad_token_id is 100, expected an id below vocab_size 100");
        refused(bert(), j -> j.put("num_labels", 0), "num_labels is 0");
        refused(bert(), j -> {
            j.putObject("id2label").put("0", "neg").put("2", "pos");
        }, "id2label has the key '2'", "0..1");
        refused(bert(), j -> {
            j.putObject("id2label").put("0", "neg").put("1", "pos");
            j.put("num_labels", 3);
        }, "num_labels is 3 but id2label has 2 labels");
        refused(distilbert(), j -> j.put("n_heads", 4).put("num_attention_heads", 8), "'n_heads' is 4 but its alias 'num_attention_heads' is 8");
    }

    @Test
    void distilbertAliasesAndDefaults() {
        ObjectNode j = distilbert();
        j.remove("dim");
        j.put("hidden_size", 32);
        ModelConfig c = ModelConfig.parse(j.toString());
        assertEquals(32, c.hiddenSize());
        ModelConfig padNull = ModelConfig.parse(bert().putNull("pad_token_id").toString());
        assertEquals(-1, padNull.padTokenId());
        ModelConfig noPad = ModelConfig.parse(bert().without("pad_token_id").toString());
        assertEquals(0, noPad.padTokenId());
        assertEquals(3, ModelConfig.parse(bert().put("num_labels", 3).toString()).numLabels());
        assertEquals(0.3, ModelConfig.parse(bert().put("classifier_dropout", 0.3).toString()).classifierDropout());
    }

    @Test
    void loadNamesTheFile(@TempDir Path tmp) {
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.load(tmp));
        assertTrue(e.getMessage().contains(tmp.resolve("config.json").toString()) && e.getMessage().contains("not found"),
                e.getMessage());
    }

    @Test
    void builderValidatesLikeAFile() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ModelConfig.builder(ModelType.BERT).hiddenSize(100).numHeads(12).build());
        assertTrue(e.getMessage().contains("hidden_size 100 is not a multiple of num_attention_heads 12"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.builder(ModelType.DISTILBERT).typeVocabSize(2).build());
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.builder(ModelType.DISTILBERT).layerNormEps(1e-5).build());
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.builder(ModelType.BERT).labels("a", "a").build());
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(bert().toString()).withDropout(1.0));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(bert().toString()).withLabels(java.util.List.of()));
        assertTrue(JsonNodeFactory.instance.objectNode().isEmpty());
    }
}
