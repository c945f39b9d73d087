package dev.jbert.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The golden configs (written by Hugging Face) and MiniLM's parse into the values golden/README.md states. */
class ModelConfigGoldenTest {
    private static final String[] HEADS = {"single_label", "multi_label", "regression"};
    private static final int[] NUM_LABELS = {3, 5, 1};
    private static final ProblemType[] PROBLEMS = {ProblemType.SINGLE_LABEL_CLASSIFICATION,
        ProblemType.MULTI_LABEL_CLASSIFICATION, ProblemType.REGRESSION};

    static Path shared() {
        String dir = System.getProperty("jbert.shared.dir");
        boolean present = dir != null && Files.isDirectory(Path.of(dir, "golden"));
        assumeTrue(present, "golden data absent: ../shared/golden not found (jbert.shared.dir=" + dir + ")");
        return Path.of(dir);
    }

    @Test
    void tinyBert() {
        for (int h = 0; h < HEADS.length; h++) {
            ModelConfig c = ModelConfig.load(shared().resolve("golden/tiny-bert/" + HEADS[h]));
            assertEquals(ModelType.BERT, c.modelType());
            assertEquals(1000, c.vocabSize());
            assertEquals(64, c.hiddenSize());
            assertEquals(2, c.numLayers());
            assertEquals(4, c.numHeads());
            assertEquals(16, c.headSize());
            assertEquals(128, c.intermediateSize());
            assertEquals(64, c.maxPositionEmbeddings());
            assertEquals(2, c.typeVocabSize());
            assertEquals(Activation.GELU, c.hiddenAct());
            assertEquals(1e-12, c.layerNormEps());
            assertEquals(0, c.padTokenId());
            assertFalse(c.sinusoidalPosEmbds());
            assertEquals(0.1, c.hiddenDropoutProb());
            assertEquals(0.1, c.attentionProbsDropoutProb());
            assertEquals(0.1, c.classifierDropout(), "classifier_dropout null falls back to hidden_dropout_prob");
            assertEquals(NUM_LABELS[h], c.numLabels());
            assertEquals("LABEL_0", c.labels().get(0));
            assertEquals(NUM_LABELS[h] - 1, c.label2id().get("LABEL_" + (NUM_LABELS[h] - 1)));
            assertEquals(PROBLEMS[h], c.problemType());
            assertEquals(List.of("BertForSequenceClassification"), c.architectures());
            assertEquals("absolute", c.positionEmbeddingType());
        }
    }

    @Test
    void tinyDistilbert() {
        for (int h = 0; h < HEADS.length; h++) {
            ModelConfig c = ModelConfig.load(shared().resolve("golden/tiny-distilbert/" + HEADS[h] + "/config.json"));
            assertEquals(ModelType.DISTILBERT, c.modelType());
            assertEquals(1000, c.vocabSize());
            assertEquals(64, c.hiddenSize());
            assertEquals(2, c.numLayers());
            assertEquals(4, c.numHeads());
            assertEquals(128, c.intermediateSize());
            assertEquals(64, c.maxPositionEmbeddings());
            assertEquals(0, c.typeVocabSize());
            assertEquals(Activation.GELU, c.hiddenAct());
            assertEquals(1e-12, c.layerNormEps());
            assertEquals(0, c.padTokenId());
            assertFalse(c.sinusoidalPosEmbds());
            assertEquals(0.1, c.hiddenDropoutProb());
            assertEquals(0.1, c.attentionProbsDropoutProb());
            assertEquals(0.2, c.classifierDropout());
            assertEquals(NUM_LABELS[h], c.numLabels());
            assertEquals(PROBLEMS[h], c.problemType());
            assertEquals(List.of("DistilBertForSequenceClassification"), c.architectures());
        }
    }

    @Test
    void miniLm() {
        Path file = shared().resolve("models/all-MiniLM-L6-v2/config.json");
        assumeTrue(Files.exists(file), "MiniLM absent: " + file);
        ModelConfig c = ModelConfig.load(file);
        assertEquals(ModelType.BERT, c.modelType());
        assertEquals(30522, c.vocabSize());
        assertEquals(384, c.hiddenSize());
        assertEquals(6, c.numLayers());
        assertEquals(12, c.numHeads());
        assertEquals(32, c.headSize());
        assertEquals(1536, c.intermediateSize());
        assertEquals(512, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertEquals(Activation.GELU, c.hiddenAct());
        assertEquals(2, c.numLabels(), "no id2label: Hugging Face's default of 2");
        assertEquals(Map.of(0, "LABEL_0", 1, "LABEL_1"), c.id2label());
        assertNull(c.problemType());
        assertEquals(List.of("BertModel"), c.architectures());
    }

    /** Hugging Face's own files come back byte for byte: same key order, indent, number format. */
    @Test
    void huggingFaceFilesRewriteIdentically() throws IOException {
        for (String kind : new String[] {"tiny-bert", "tiny-distilbert"}) {
            for (String head : HEADS) {
                Path file = shared().resolve("golden/" + kind + "/" + head + "/config.json");
                assertEquals(Files.readString(file), ModelConfig.load(file).toJson(), file.toString());
            }
        }
    }
}
