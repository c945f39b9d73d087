package dev.jbert.trainer.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.testing.Shared;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of the pipeline: labels, templates, NLI label ids, scores and ranking. */
class ZeroShotPartsTest {
    /** The golden tiny BERT's config with these labels. */
    private static ModelConfig config(String... labels) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(Shared.require("golden/tiny-bert/single_label/config.json").toFile());
        c.remove("label2id");
        c.remove("num_labels");
        ObjectNode id2label = c.putObject("id2label");
        for (int i = 0; i < labels.length; i++) {
            id2label.put(Integer.toString(i), labels[i]);
        }
        return ModelConfig.parse(json.writeValueAsString(c), "test config");
    }

    @Test
    void labelsAreSplitOnCommasAndTrimmed() {
        assertEquals(List.of("politics", "sports", "rock music"), CandidateLabels.parse(" politics,sports , rock music").names());
        assertEquals(List.of("one"), CandidateLabels.parse("one").names());
        assertThrows(UserException.class, () -> CandidateLabels.parse("a,"));
        assertThrows(UserException.class, () -> CandidateLabels.of(List.of("a", " a")));
        assertThrows(UserException.class, () -> CandidateLabels.of(List.of()));
    }

    @Test
    void templatesFormatAsPythonDoes() {
        assertEquals("This example is sports.", HypothesisTemplate.defaults().hypothesis("sports"));
        assertEquals("sports, sports!", new HypothesisTemplate("{0}, {0}!").hypothesis("sports"));
        assertEquals("{braces} sports }", new HypothesisTemplate("{{braces}} {} }}").hypothesis("sports"));
        assertThrows(UserException.class, () -> new HypothesisTemplate("no field"));
        assertThrows(UserException.class, () -> new HypothesisTemplate("{{}} no field"));
        assertThrows(UserException.class, () -> new HypothesisTemplate("{} {0}"));
        assertThrows(UserException.class, () -> new HypothesisTemplate("{1}"));
        assertThrows(UserException.class, () -> new HypothesisTemplate("open { {}"));
        assertThrows(UserException.class, () -> new HypothesisTemplate("{} close }"));
    }

    @Test
    void nliLabelsAreFoundByNameCaseInsensitively() throws Exception {
        NliLabels snli = NliLabels.of(config("contradiction", "entailment", "neutral"));
        assertEquals(1, snli.entailment());
        assertEquals(0, snli.contradiction());
        NliLabels mnli = NliLabels.of(config("ENTAILMENT", "NEUTRAL", "CONTRADICTION"));
        assertEquals(0, mnli.entailment());
        assertEquals(2, mnli.contradiction());
        NliLabels two = NliLabels.of(config("not_entailment", "entailment"));
        assertEquals(1, two.entailment());
        assertEquals(0, two.contradiction(), "two labels: the other one, as the pipeline's rule picks");
        NliLabels entailsOnly = NliLabels.of(config("Entails", "neutral", "other"));
        assertEquals(0, entailsOnly.entailment());
        assertEquals(-1, entailsOnly.contradiction());
        assertThrows(UserException.class, entailsOnly::requireContradiction);
        assertFalse(NliLabels.isNli(config("pos", "neg")));
        assertTrue(NliLabels.isNli(config("contradiction", "entailment", "neutral")));
        ModelConfig sentiment = config("pos", "neg");
        UserException e = assertThrows(UserException.class, () -> NliLabels.of(sentiment));
        assertTrue(e.getMessage().contains("test config") && e.getMessage().contains("[pos, neg]"), e.getMessage());
    }

    @Test
    void scoresAreTheTwoSoftmaxes() {
        float[][] logits = {{2, 0, -1}, {0.5f, 0, 1}, {-3, 0, 0}};
        double[] single = ZeroShotScores.singleLabel(logits, 0);
        double z = Math.exp(2) + Math.exp(0.5) + Math.exp(-3);
        assertArrayEquals(new double[] {Math.exp(2) / z, Math.exp(0.5) / z, Math.exp(-3) / z}, single, 1e-12);
        double[] multi = ZeroShotScores.multiLabel(logits, 0, 2);
        assertArrayEquals(new double[] {1 / (1 + Math.exp(-3)), 1 / (1 + Math.exp(0.5)), 1 / (1 + Math.exp(3))}, multi, 1e-12);
        // no overflow for large logits
        assertArrayEquals(new double[] {1, 0}, ZeroShotScores.singleLabel(new float[][] {{1000}, {-1000}}, 0), 1e-12);
    }

    @Test
    void rankingIsByScoreWithTiesAsNumpysReversedArgsort() {
        CandidateLabels c = CandidateLabels.of(List.of("a", "b", "c", "d"));
        ZeroShotResult r = ZeroShotResult.ranked("s", c, new double[] {0.1, 0.4, 0.1, 0.4});
        assertEquals(List.of("d", "b", "c", "a"), r.labels());
        assertArrayEquals(new double[] {0.4, 0.4, 0.1, 0.1}, r.scores());
        assertEquals("d", r.top());
        assertEquals(0.1, r.score("a"));
    }
}
