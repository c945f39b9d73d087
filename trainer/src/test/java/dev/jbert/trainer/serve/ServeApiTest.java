package dev.jbert.trainer.serve;

import static dev.jbert.trainer.serve.ServeFixtures.get;
import static dev.jbert.trainer.serve.ServeFixtures.json;
import static dev.jbert.trainer.serve.ServeFixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.trainer.train.TrainCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON API over loopback: every endpoint, every status code (200, 400, 404, 405, 413), the
 * {@code predict} command's output for the same texts, truncation reported, and a server that is
 * still healthy after every kind of bad request.
 */
class ServeApiTest {
    @TempDir
    static Path tmp;
    static Path sentiment;
    static Path tags;
    static ServeServer server;
    static ServeServer multiServer;
    static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        sentiment = ServeFixtures.sentimentModel(tmp);
        tags = ServeFixtures.randomClassifier(tmp.resolve("tags"), List.of("acting", "plot", "story"),
                ProblemType.MULTI_LABEL_CLASSIFICATION, 5);
        server = ServeServer.start(ServeFixtures.load(sentiment, 8), ServeFixtures.testOptions(), null);
        multiServer = ServeServer.start(ServeFixtures.load(tags, 8), ServeFixtures.testOptions(), null);
        http = ServeFixtures.client();
    }

    @AfterAll
    static void stop() {
        server.close();
        multiServer.close();
    }

    /** Whatever a test sent, the server answers the next request. */
    @AfterEach
    void stillHealthy() throws Exception {
        HttpResponse<String> r = get(http, server, "/health");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("ok", json(r).get("status").asText());
    }

    @Test
    void healthAndInfo() throws Exception {
        HttpResponse<String> r = get(http, server, "/info");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode info = json(r);
        assertEquals("bert", info.get("model_type").asText());
        assertEquals(List.of("neg", "pos"), strings(info.get("labels")));
        assertEquals("single_label_classification", info.get("problem_type").asText());
        assertEquals(32, info.get("max_length").asInt(), "the tiny model's max_position_embeddings");
        assertFalse(info.get("multi_label").asBoolean());
        assertFalse(info.get("zero_shot").asBoolean());
        assertEquals(8, info.get("limits").get("max_batch").asInt());
        assertEquals(ServeOptions.DEFAULT_EXAMPLES, strings(info.get("examples")));

        JsonNode multi = json(get(http, multiServer, "/info"));
        assertEquals("multi_label_classification", multi.get("problem_type").asText());
        assertTrue(multi.get("multi_label").asBoolean());
        assertEquals("sigmoid", multi.get("score_function").asText());
    }

    @Test
    void thePageAndItsFiles() throws Exception {
        HttpResponse<String> page = get(http, server, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<textarea id=\"text\""), "a text box");
        assertTrue(page.body().contains("id=\"classify\""), "a button");
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "nothing from elsewhere");
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        HttpResponse<String> js = get(http, server, "/serve.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        HttpResponse<String> css = get(http, server, "/serve.css");
        assertEquals(200, css.statusCode());
        assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
    }

    @Test
    void predictGivesThePredictCommandsOutput() throws Exception {
        List<String> texts = List.of("the film was great", "awful acting", "the story was quite dull", "superb");
        List<String> cmd = new ArrayList<>(List.of("predict", "--model", sentiment.toString(), "--top-k", "all"));
        for (String t : texts) {
            cmd.addAll(List.of("--text", t));
        }
        TrainCli.Run run = TrainCli.run(cmd.toArray(new String[0]));
        assertEquals(0, run.status(), run.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : run.out().lines().toList()) {
            lines.add(ServeFixtures.JSON.readTree(l));
        }

        JsonNode one = json(post(http, server, "/predict", "{\"text\": \"the film was great\"}"));
        assertEquals(lines.getFirst(), one.get("predictions"), "one list for \"text\"");
        assertFalse(one.get("truncated").asBoolean());

        String body = ServeFixtures.JSON.createObjectNode().set("texts", ServeFixtures.JSON.valueToTree(texts))
                .toString();
        JsonNode many = json(post(http, server, "/predict", body));
        assertEquals(texts.size(), many.get("predictions").size(), "a list of lists for \"texts\"");
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(lines.get(i), many.get("predictions").get(i), texts.get(i));
            assertFalse(many.get("truncated").get(i).asBoolean());
        }
    }

    @Test
    void topKAndThreshold() throws Exception {
        JsonNode top = json(post(http, server, "/predict", "{\"text\": \"lovely\", \"top_k\": 1}")).get("predictions");
        assertEquals(1, top.size());
        JsonNode kept = json(post(http, server, "/predict", "{\"text\": \"lovely\", \"threshold\": 0.5}"))
                .get("predictions");
        assertEquals(1, kept.size(), "of two softmax scores one is at least 0.5: " + kept);
        JsonNode multi = json(post(http, multiServer, "/predict", "{\"texts\": [\"the plot\", \"boring\"]}"));
        for (JsonNode line : multi.get("predictions")) {
            assertEquals(3, line.size());
            double sum = 0;
            for (JsonNode e : line) {
                sum += e.get("score").asDouble();
            }
            assertTrue(Math.abs(sum - 1) > 1e-3, "independent sigmoid scores: " + line);
        }
    }

    @Test
    void longTextsAreTruncatedAndSaySo() throws Exception {
        String longText = "the film was good . ".repeat(20);   // 100 tokens; the model takes 32
        JsonNode r = json(post(http, server, "/predict",
                "{\"texts\": [\"" + longText + "\", \"short and good\"]}"));
        assertEquals(List.of(true, false), List.of(r.get("truncated").get(0).asBoolean(),
                r.get("truncated").get(1).asBoolean()));
        assertEquals(2, r.get("predictions").get(0).size());
        JsonNode one = json(post(http, server, "/predict", "{\"text\": \"" + longText + "\"}"));
        assertTrue(one.get("truncated").asBoolean());
    }

    @Test
    void malformedRequestsGet400WithAClearMessage() throws Exception {
        String[][] cases = {
            {"{\"text\": ", "malformed JSON"},
            {"{\"text\": \"a\"} trailing", "malformed JSON"},
            {"{\"text\": \"a\", \"text\": \"b\"}", "Duplicate field"},
            {"[\"a\"]", "expected a JSON object"},
            {"\"a\"", "expected a JSON object"},
            {"", "empty body"},
            {"{}", "missing \"text\""},
            {"{\"text\": 42}", "\"text\": expected a string, found a number"},
            {"{\"text\": null}", "\"text\": expected a string, found null"},
            {"{\"text\": \"   \"}", "empty text"},
            {"{\"texts\": \"a\"}", "\"texts\": expected an array of strings, found a string"},
            {"{\"texts\": []}", "empty array"},
            {"{\"texts\": [\"a\", 7]}", "\"texts\"[1]: expected a string, found a number"},
            {"{\"texts\": [\"a\", [\"b\"]]}", "\"texts\"[1]: expected a string, found an array"},
            {"{\"text\": \"a\", \"texts\": [\"b\"]}", "not both"},
            {"{\"txt\": \"a\"}", "unknown field \"txt\""},
            {"{\"text\": \"a\", \"top_k\": 0}", "\"top_k\": expected a positive integer"},
            {"{\"text\": \"a\", \"top_k\": \"all\"}", "\"top_k\": expected a positive integer"},
            {"{\"text\": \"a\", \"threshold\": 2}", "\"threshold\": expected a number from 0 to 1"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post(http, server, "/predict", c[0]);
            assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            String error = json(r).get("error").asText();
            assertTrue(error.contains(c[1]), c[0] + ": expected a message with '" + c[1] + "', got: " + error);
        }
    }

    @Test
    void limitsGet413() throws Exception {
        HttpResponse<String> big = post(http, server, "/predict", "{\"text\": \"" + "good ".repeat(1000) + "\"}");
        assertEquals(413, big.statusCode(), big.body());
        assertTrue(json(big).get("error").asText().contains("--max-body"), big.body());

        HttpResponse<String> batch = post(http, server, "/predict",
                "{\"texts\": [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\"]}");
        assertEquals(413, batch.statusCode(), batch.body());
        assertTrue(json(batch).get("error").asText().contains("9 texts, more than 8"), batch.body());

        HttpResponse<String> chars = post(http, server, "/predict", "{\"text\": \"" + "a".repeat(601) + "\"}");
        assertEquals(413, chars.statusCode(), chars.body());
        assertTrue(json(chars).get("error").asText().contains("601 characters, more than 600"), chars.body());
    }

    @Test
    void unknownPathsGet404AndWrongMethods405() throws Exception {
        HttpResponse<String> missing = get(http, server, "/nothing/here");
        assertEquals(404, missing.statusCode());
        assertTrue(json(missing).get("error").asText().contains("no such path: /nothing/here"));
        assertEquals(404, post(http, server, "/predict/more", "{}").statusCode());

        HttpResponse<String> zs = post(http, server, "/zero-shot", "{\"text\": \"a\", \"labels\": [\"b\"]}");
        assertEquals(404, zs.statusCode(), zs.body());
        assertTrue(json(zs).get("error").asText().contains("needs an NLI model"), zs.body());

        HttpResponse<String> getPredict = get(http, server, "/predict");
        assertEquals(405, getPredict.statusCode());
        assertEquals("POST", getPredict.headers().firstValue("Allow").orElse(""));
        assertTrue(json(getPredict).get("error").asText().contains("method GET not allowed on /predict"));
        assertEquals(405, post(http, server, "/health", "{}").statusCode());
        HttpResponse<String> delete = ServeFixtures.send(http,
                HttpRequest.newBuilder(ServeFixtures.uri(server, "/")).DELETE());
        assertEquals(405, delete.statusCode());
        assertEquals("GET", delete.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void garbageOnTheSocketDoesNotHurtTheServer() throws Exception {
        String[] raw = {
            "NOT HTTP AT ALL\r\n\r\n",
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{\"te",
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n{\"text\"",
            "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "\u0000\u0001\u0002\r\n\r\n",
        };
        for (String r : raw) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                s.setSoTimeout(3000);
                OutputStream out = s.getOutputStream();
                out.write(r.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                while (in.read(buf) >= 0) {
                    // read whatever comes back until the server closes
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // a server may also just drop such a connection
            }
        }
        // a real request still works, and the chunked body is bounded too
        HttpResponse<String> chunked = ServeFixtures.send(http, HttpRequest.newBuilder(ServeFixtures.uri(server,
                "/predict")).POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                ("{\"text\": \"" + "good ".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8)))));
        assertEquals(413, chunked.statusCode(), "a body without a length is cut at --max-body: " + chunked.body());
        assertEquals(200, post(http, server, "/predict", "{\"text\": \"good\"}").statusCode());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
