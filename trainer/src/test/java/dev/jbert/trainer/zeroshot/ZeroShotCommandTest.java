package dev.jbert.trainer.zeroshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.model.BatchJson;
import dev.jbert.trainer.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbert zero-shot} against the zero-shot-classification pipeline's arithmetic done by hand:
 * the test runs the model on each (premise, hypothesis) pair alone, through {@link SequenceClassifier}
 * directly, and computes the softmaxes itself.
 */
class ZeroShotCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TOL = 2e-6;
    private static final List<String> TEXTS = List.of("the team won the final match", "scientists discovered new cells",
            "parliament passed the law.", "bake the bread for hours");
    private static final List<String> LABELS = List.of("politics", "sports", "science", "cooking");

    @TempDir
    static Path tmp;
    static Path nli;
    static SequenceClassifier model;
    static BertTokenizer tokenizer;

    @BeforeAll
    static void setUp() throws Exception {
        nli = ZeroShotFixtures.nliModel(tmp.resolve("nli"));
        ModelFolder folder = ModelFolder.open(nli);
        model = folder.loadClassifier(null);
        tokenizer = folder.tokenizer();
    }

    /** The model's logits [entailment, neutral, contradiction] for one pair, alone in its batch. */
    static float[] logits(String premise, String hypothesis) {
        ModelInput in = BatchJson.fromTexts(tokenizer, List.of(premise), List.of(hypothesis), 64);
        float[] l = model.forward(new RunContext(Backends.byName("cpu")), in, null);
        return new float[] {l[0], l[1], l[2]};
    }

    static List<JsonNode> run(String... args) throws Exception {
        ZeroShotFixtures.Run r = ZeroShotFixtures.zeroShot(args);
        assertEquals(0, r.status(), r.err());
        List<JsonNode> out = new ArrayList<>();
        for (String l : r.lines()) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    private static String[] args(List<String> texts, String... more) {
        List<String> a = new ArrayList<>(List.of("--model", nli.toString()));
        for (String t : texts) {
            a.add("--text");
            a.add(t);
        }
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    /** Checks one output line: the sequence, every label's score, and the order (highest first). */
    private static void assertLine(JsonNode line, String text, List<String> labels, double[] expected) {
        assertEquals(text, line.get("sequence").asText());
        assertEquals(labels.size(), line.get("labels").size(), line.toString());
        assertEquals(labels.size(), line.get("scores").size(), line.toString());
        double previous = Double.POSITIVE_INFINITY;
        for (int i = 0; i < labels.size(); i++) {
            String label = line.get("labels").get(i).asText();
            double score = line.get("scores").get(i).asDouble();
            int k = labels.indexOf(label);
            assertTrue(k >= 0, "unknown label " + label);
            assertEquals(expected[k], score, TOL, text + " / " + label);
            assertTrue(score <= previous, "sorted by score, highest first: " + line);
            previous = score;
        }
    }

    @Test
    void singleLabelIsTheSoftmaxOfEntailmentLogitsAcrossLabels() throws Exception {
        List<JsonNode> out = run(args(TEXTS, "--labels", String.join(",", LABELS)));
        assertEquals(TEXTS.size(), out.size());
        double spread = 0;
        for (int i = 0; i < TEXTS.size(); i++) {
            double[] e = new double[LABELS.size()];
            double sum = 0;
            for (int k = 0; k < e.length; k++) {
                e[k] = Math.exp(logits(TEXTS.get(i), "This example is " + LABELS.get(k) + ".")[0]);
                sum += e[k];
            }
            double lo = 1;
            double hi = 0;
            for (int k = 0; k < e.length; k++) {
                e[k] /= sum;
                lo = Math.min(lo, e[k]);
                hi = Math.max(hi, e[k]);
            }
            spread = Math.max(spread, hi - lo);
            assertLine(out.get(i), TEXTS.get(i), LABELS, e);
        }
        assertTrue(spread > 1e-3, "the scores differ enough for the order to be tested: " + spread);
    }

    @Test
    void multiLabelIsEntailmentAgainstContradictionPerLabel() throws Exception {
        String template = "The topic of this text is {}!";
        List<JsonNode> out = run(args(TEXTS, "--labels", " politics ,sports, science,cooking", "--multi-label",
                "--template", template));
        for (int i = 0; i < TEXTS.size(); i++) {
            double[] p = new double[LABELS.size()];
            for (int k = 0; k < p.length; k++) {
                float[] l = logits(TEXTS.get(i), "The topic of this text is " + LABELS.get(k) + "!");
                p[k] = Math.exp(l[0]) / (Math.exp(l[0]) + Math.exp(l[2]));
            }
            assertLine(out.get(i), TEXTS.get(i), LABELS, p);
        }
    }

    @Test
    void oneCandidateLabelIsScoredAsMultiLabelAsThePipelineDoes() throws Exception {
        JsonNode line = run(args(List.of(TEXTS.get(0)), "--labels", "sports")).getFirst();
        float[] l = logits(TEXTS.get(0), "This example is sports.");
        double p = Math.exp(l[0]) / (Math.exp(l[0]) + Math.exp(l[2]));
        assertLine(line, TEXTS.get(0), List.of("sports"), new double[] {p});
        assertTrue(p < 0.999, "not the trivial softmax of one logit: " + p);
    }

    @Test
    void contradictionFirstModelsUseTheRightColumns() throws Exception {
        // MNLI-style order, names in other cases
        Path mnli = ZeroShotFixtures.model(tmp.resolve("mnli"), "CONTRADICTION", "Neutral", "Entailment");
        ZeroShotFixtures.Run r = ZeroShotFixtures.zeroShot("--model", mnli.toString(), "--text", TEXTS.get(1),
                "--labels", "science,cooking", "--multi-label");
        assertEquals(0, r.status(), r.err());
        JsonNode line = JSON.readTree(r.lines().getFirst());
        double[] p = new double[2];
        for (int k = 0; k < 2; k++) {
            float[] l = logits(TEXTS.get(1), "This example is " + List.of("science", "cooking").get(k) + ".");
            p[k] = Math.exp(l[2]) / (Math.exp(l[2]) + Math.exp(l[0]));
        }
        assertLine(line, TEXTS.get(1), List.of("science", "cooking"), p);
    }

    @Test
    void batchingDoesNotChangeScores() throws Exception {
        List<JsonNode> one = run(args(TEXTS, "--labels", String.join(",", LABELS), "--batch-size", "1"));
        List<JsonNode> many = run(args(TEXTS, "--labels", String.join(",", LABELS), "--batch-size", "7"));
        for (int i = 0; i < TEXTS.size(); i++) {
            assertEquals(one.get(i).get("labels"), many.get(i).get("labels"));
            for (int k = 0; k < LABELS.size(); k++) {
                assertEquals(one.get(i).get("scores").get(k).asDouble(), many.get(i).get("scores").get(k).asDouble(), TOL);
            }
        }
    }

    @Test
    void readsJsonLinesAndCsvFiles() throws Exception {
        List<JsonNode> direct = run(args(TEXTS, "--labels", String.join(",", LABELS)));
        Path jsonl = tmp.resolve("in.jsonl");
        StringBuilder sb = new StringBuilder();
        for (String t : TEXTS) {
            sb.append(JSON.writeValueAsString(JSON.createObjectNode().put("text", t))).append('\n');
        }
        Files.writeString(jsonl, sb.toString());
        Path csv = tmp.resolve("in.csv");
        StringBuilder c = new StringBuilder("id,body\n");
        for (int i = 0; i < TEXTS.size(); i++) {
            c.append(i).append(",\"").append(TEXTS.get(i)).append("\"\n");
        }
        Files.writeString(csv, c.toString());
        List<JsonNode> fromJsonl = run("--model", nli.toString(), "--input", jsonl.toString(), "--labels",
                String.join(",", LABELS));
        List<JsonNode> fromCsv = run("--model", nli.toString(), "--input", csv.toString(), "--text-column", "body",
                "--labels", String.join(",", LABELS));
        assertEquals(direct.size(), fromJsonl.size());
        assertEquals(direct.size(), fromCsv.size());
        for (int i = 0; i < direct.size(); i++) {
            assertEquals(direct.get(i).get("sequence"), fromJsonl.get(i).get("sequence"));
            assertEquals(direct.get(i).get("labels"), fromJsonl.get(i).get("labels"));
            assertEquals(direct.get(i).get("labels"), fromCsv.get(i).get("labels"));
            assertEquals(direct.get(i).get("sequence"), fromCsv.get(i).get("sequence"));
        }
    }

    @Test
    void theJavaApiGivesWhatTheCommandPrints() throws Exception {
        ZeroShotClassifier zs = ZeroShotClassifier.load(ModelFolder.open(nli), Backends.byName("cpu"), null);
        ZeroShotResult r = zs.classify(TEXTS.get(2), LABELS);
        JsonNode line = run(args(List.of(TEXTS.get(2)), "--labels", String.join(",", LABELS))).getFirst();
        assertEquals(line, r.toJson(JSON));
        assertEquals(line.get("labels").get(0).asText(), r.top());
    }
}
