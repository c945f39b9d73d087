package dev.jbert.trainer.serve;

import static dev.jbert.trainer.serve.ServeFixtures.get;
import static dev.jbert.trainer.serve.ServeFixtures.json;
import static dev.jbert.trainer.serve.ServeFixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.zeroshot.CandidateLabels;
import dev.jbert.trainer.zeroshot.HypothesisTemplate;
import dev.jbert.trainer.zeroshot.ZeroShotClassifier;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /zero-shot} on an NLI model (labels entailment, neutral, contradiction): the same
 * result as {@link ZeroShotClassifier} (what {@code jbert zero-shot} prints), single- and
 * multi-label, and clear 400s and 413s for bad labels and templates.
 */
class ServeZeroShotTest {
    @TempDir
    static Path tmp;
    static Path nli;
    static ServeServer server;
    static HttpClient http;
    static ZeroShotClassifier reference;

    @BeforeAll
    static void start() throws IOException {
        nli = ServeFixtures.randomClassifier(tmp.resolve("nli"), List.of("entailment", "neutral", "contradiction"),
                ProblemType.SINGLE_LABEL_CLASSIFICATION, 17);
        server = ServeServer.start(ServeFixtures.load(nli, 8), ServeFixtures.testOptions(), null);
        http = ServeFixtures.client();
        reference = ZeroShotClassifier.load(ModelFolder.open(nli), Backends.cpu(), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void infoSaysZeroShot() throws Exception {
        assertTrue(json(get(http, server, "/info")).get("zero_shot").asBoolean());
    }

    @Test
    void singleLabelScoresAreTheClassifiers() throws Exception {
        String text = "the film was good";
        List<String> labels = List.of("acting", "plot", "story");
        JsonNode r = json(post(http, server, "/zero-shot",
                "{\"text\": \"the film was good\", \"labels\": [\"acting\", \"plot\", \"story\"]}"));
        JsonNode expected = reference.classify(List.of(text), CandidateLabels.of(labels),
                HypothesisTemplate.defaults(), false).getFirst().toJson(ServeFixtures.JSON);
        assertEquals(expected.get("sequence"), r.get("sequence"));
        assertEquals(expected.get("labels"), r.get("labels"));
        assertEquals(expected.get("scores"), r.get("scores"));
        double sum = 0;
        for (JsonNode s : r.get("scores")) {
            sum += s.asDouble();
        }
        assertEquals(1, sum, 1e-9, "single-label: a softmax across the labels");
        assertEquals(false, r.get("truncated").asBoolean());
    }

    @Test
    void multiLabelAndTemplateAndCommaSeparatedLabels() throws Exception {
        JsonNode r = json(post(http, server, "/zero-shot", "{\"text\": \"a boring story\", \"labels\": \"plot, acting\","
                + " \"template\": \"The review is about {}.\", \"multi_label\": true}"));
        JsonNode expected = reference.classify(List.of("a boring story"), CandidateLabels.parse("plot, acting"),
                new HypothesisTemplate("The review is about {}."), true).getFirst().toJson(ServeFixtures.JSON);
        assertEquals(expected.get("labels"), r.get("labels"));
        assertEquals(expected.get("scores"), r.get("scores"));
        // the pipeline's names for the fields work too
        JsonNode hf = json(post(http, server, "/zero-shot", "{\"text\": \"a boring story\", \"candidate_labels\":"
                + " [\"plot\", \"acting\"], \"hypothesis_template\": \"The review is about {}.\", \"multi_label\": true}"));
        assertEquals(r.get("scores"), hf.get("scores"));
    }

    @Test
    void longTextsAreTruncatedAndSaySo() throws Exception {
        String longText = "the film was good . ".repeat(20);
        JsonNode r = json(post(http, server, "/zero-shot", "{\"text\": \"" + longText + "\", \"labels\": [\"plot\"]}"));
        assertTrue(r.get("truncated").asBoolean(), r.toString());
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        String[][] cases = {
            {"{\"text\": \"a\"}", "400", "missing \"labels\""},
            {"{\"labels\": [\"a\"]}", "400", "\"text\": expected a string"},
            {"{\"text\": \"a\", \"labels\": 3}", "400", "\"labels\": expected an array of strings, found a number"},
            {"{\"text\": \"a\", \"labels\": [\"x\", 3]}", "400", "\"labels\"[1]: expected a string"},
            {"{\"text\": \"a\", \"labels\": [\"x\", \"x\"]}", "400", "given twice"},
            {"{\"text\": \"a\", \"labels\": \"x,,y\"}", "400", "is empty"},
            {"{\"text\": \"a\", \"labels\": [\"x\"], \"template\": \"no field\"}", "400", "\"template\""},
            {"{\"text\": \"a\", \"labels\": [\"x\"], \"template\": \"{name}\"}", "400", "only {} (or {0})"},
            {"{\"text\": \"a\", \"labels\": [\"x\"], \"multi_label\": \"yes\"}", "400", "expected true or false"},
            {"{\"text\": \"a\", \"labels\": [\"x\"], \"candidate_labels\": [\"y\"]}", "400", "not both"},
            {"{\"text\": \"a\", \"labels\": [\"x\"], \"colour\": 1}", "400", "unknown field \"colour\""},
            {"{\"text\": \"a\", \"labels\": \"1,2,3,4,5,6,7,8,9\"}", "413", "9 labels, more than 8"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post(http, server, "/zero-shot", c[0]);
            assertEquals(Integer.parseInt(c[1]), r.statusCode(), c[0] + " -> " + r.body());
            String error = json(r).get("error").asText();
            assertTrue(error.contains(c[2]), c[0] + ": expected a message with '" + c[2] + "', got: " + error);
        }
        assertEquals(405, get(http, server, "/zero-shot").statusCode());
        assertEquals(200, get(http, server, "/health").statusCode());
    }

    @Test
    void predictWorksOnTheNliModelToo() throws Exception {
        JsonNode r = json(post(http, server, "/predict", "{\"text\": \"the film was good\"}"));
        assertEquals(3, r.get("predictions").size());
    }
}
