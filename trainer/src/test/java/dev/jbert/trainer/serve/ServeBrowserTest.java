package dev.jbert.trainer.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.config.ProblemType;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page in a real browser: Debian's Chromium, headless, driven over the DevTools Protocol, types a
 * text into the box, clicks Classify with the mouse, and reads the bars back: the labels and scores
 * the API gives, bar widths in proportion, a multi-label model's labels at or over the threshold
 * marked (a single-label model's best one). Screenshots go to the build folder
 * ({@code serve-screenshot.png}). Skipped, saying so, where {@code /usr/bin/chromium} is absent
 * ({@code .ci/install-chromium.sh} installs it).
 */
@Timeout(180)
class ServeBrowserTest {
    @TempDir
    Path tmp;

    static final String ROWS = "JSON.stringify([...document.querySelectorAll('#bars .bar-row')].map(r => ({"
            + "label: r.dataset.label, score: Number(r.dataset.score), marked: r.classList.contains('marked'),"
            + "width: r.querySelector('.bar-fill').style.width,"
            + "fill: r.querySelector('.bar-fill').getBoundingClientRect().width,"
            + "track: r.querySelector('.bar-track').clientWidth})))";

    @Test
    void typeClickAndReadTheBars() throws Exception {
        assumeTrue(Files.isExecutable(ServeDevTools.CHROMIUM),
                "skipped: " + ServeDevTools.CHROMIUM + " is absent (install it: .ci/install-chromium.sh)");
        Path multi = ServeFixtures.randomClassifier(tmp.resolve("aspects"),
                List.of("acting", "plot", "music", "visuals", "ending", "pacing"), ProblemType.MULTI_LABEL_CLASSIFICATION, 7);
        Path single = ServeFixtures.randomClassifier(tmp.resolve("sentiment"),
                List.of("negative", "neutral", "positive"), ProblemType.SINGLE_LABEL_CLASSIFICATION, 3);
        Path nli = ServeFixtures.randomClassifier(tmp.resolve("nli"),
                List.of("entailment", "neutral", "contradiction"), ProblemType.SINGLE_LABEL_CLASSIFICATION, 17);
        HttpClient http = ServeFixtures.client();
        try (ServeServer multiServer = ServeServer.start(ServeFixtures.load(multi, 8), ServeFixtures.testOptions(), null);
             ServeServer singleServer = ServeServer.start(ServeFixtures.load(single, 8), ServeFixtures.testOptions(), null);
             ServeServer nliServer = ServeServer.start(ServeFixtures.load(nli, 8), ServeFixtures.testOptions(), null);
             ServeDevTools chromium = ServeDevTools.start(Files.createDirectories(tmp.resolve("profile")))) {
            String page = chromium.openPage();

            String text = "the acting was superb , the plot was dull and the ending was really poor";
            JsonNode rows = classifyInPage(chromium, page, multiServer, text, null);
            assertTrue(chromium.evaluate(page, "getComputedStyle(document.getElementById('modes')).display === 'none'")
                    .asBoolean(), "no zero-shot tab for a model that is not NLI");
            JsonNode api = ServeFixtures.json(ServeFixtures.post(http, multiServer, "/predict",
                    ServeFixtures.JSON.createObjectNode().put("text", text).toString())).get("predictions");
            assertBarsShow(api, rows);
            int marked = 0;
            for (JsonNode r : rows) {
                assertEquals(r.get("score").asDouble() >= 0.5, r.get("marked").asBoolean(),
                        "multi-label: marked exactly when the score is at or over 0.5: " + r);
                marked += r.get("marked").asBoolean() ? 1 : 0;
            }
            assertTrue(marked >= 2 && marked < rows.size(), "this model and text mark some labels, not all: " + rows);
            screenshot(chromium, page, "serve-screenshot.png");

            JsonNode singleRows = classifyInPage(chromium, page, singleServer, "the film was great fun", null);
            JsonNode singleApi = ServeFixtures.json(ServeFixtures.post(http, singleServer, "/predict",
                    "{\"text\": \"the film was great fun\"}")).get("predictions");
            assertBarsShow(singleApi, singleRows);
            for (int i = 0; i < singleRows.size(); i++) {
                assertEquals(i == 0, singleRows.get(i).get("marked").asBoolean(), "single-label: the best one marked");
            }
            screenshot(chromium, page, "serve-screenshot-single-label.png");

            // zero-shot on an NLI model: the tab, the candidate labels, one bar per label
            String premise = "the acting was superb but the story was dull";
            JsonNode zsRows = classifyInPage(chromium, page, nliServer, premise,
                    "document.querySelector('.mode[data-mode=\"zero-shot\"]').click();"
                    + " document.getElementById('labels').value = 'acting, plot, story';");
            JsonNode zs = ServeFixtures.json(ServeFixtures.post(http, nliServer, "/zero-shot", ServeFixtures.JSON
                    .createObjectNode().put("text", premise).put("labels", "acting, plot, story").toString()));
            assertEquals(3, zsRows.size());
            for (int i = 0; i < zsRows.size(); i++) {
                assertEquals(zs.get("labels").get(i).asText(), zsRows.get(i).get("label").asText());
                assertEquals(zs.get("scores").get(i).asDouble(), zsRows.get(i).get("score").asDouble(), 1e-12);
                assertEquals(i == 0, zsRows.get(i).get("marked").asBoolean(), "single-label: the best one marked");
            }
            screenshot(chromium, page, "serve-screenshot-zero-shot.png");

            // an example button fills the box
            JsonNode example = chromium.evaluate(page, "(() => { const b = document.querySelector('.example');"
                    + " b.click(); return [b.textContent, document.getElementById('text').value,"
                    + " document.querySelectorAll('.example').length]; })()");
            assertEquals(example.get(0), example.get(1));
            assertEquals(ServeOptions.DEFAULT_EXAMPLES.size(), example.get(2).asInt());
            assertEquals(List.of(), chromium.pageErrors(), "no script errors on the page");
        }
    }

    /**
     * Loads the page, runs {@code setUp} (a script, or null), types {@code text} into the box, clicks
     * Classify with the mouse, and returns the bars.
     */
    private static JsonNode classifyInPage(ServeDevTools chromium, String page, ServeServer server, String text,
                                           String setUp) throws Exception {
        chromium.call(page, "Page.navigate", ServeFixtures.JSON.createObjectNode().put("url", server.url()));
        chromium.waitFor(page, "document.readyState === 'complete' && document.body.dataset.state",
                v -> v.asText().equals("ready"), Duration.ofSeconds(20), "the page to load /info");
        if (setUp != null) {
            chromium.evaluate(page, setUp);
        }
        chromium.evaluate(page, "document.getElementById('text').focus()");
        chromium.call(page, "Input.insertText", ServeFixtures.JSON.createObjectNode().put("text", text));
        assertEquals(text, chromium.evaluate(page, "document.getElementById('text').value").asText(), "typed");
        JsonNode box = chromium.evaluate(page, "(() => { const r = document.getElementById('classify')"
                + ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()");
        for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
            ObjectNode e = ServeFixtures.JSON.createObjectNode().put("type", type).put("x", box.get(0).asDouble())
                    .put("y", box.get(1).asDouble()).put("button", "left").put("clickCount", 1);
            chromium.call(page, "Input.dispatchMouseEvent", e);
        }
        chromium.waitFor(page, "document.body.dataset.state", v -> v.asText().equals("done") || v.asText().equals("error"),
                Duration.ofSeconds(30), "the scores");
        assertEquals("done", chromium.evaluate(page, "document.body.dataset.state").asText(),
                chromium.evaluate(page, "document.getElementById('status').textContent").asText());
        return ServeFixtures.JSON.readTree(chromium.evaluate(page, ROWS).asText());
    }

    /** The bars show the API's labels, in its order, with its scores, each as wide as its score. */
    private static void assertBarsShow(JsonNode api, JsonNode rows) {
        assertEquals(api.size(), rows.size(), "one bar per label: " + rows);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            double score = api.get(i).get("score").asDouble();
            assertEquals(api.get(i).get("label").asText(), r.get("label").asText());
            assertEquals(score, r.get("score").asDouble(), 1e-12);
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f%%", score * 100), r.get("width").asText());
            double drawn = r.get("fill").asDouble() / r.get("track").asDouble();
            assertEquals(score, drawn, 0.01, "bar " + r.get("label") + " drawn " + drawn + " of its track");
        }
    }

    private static void screenshot(ServeDevTools chromium, String page, String name) throws Exception {
        JsonNode shot = chromium.call(page, "Page.captureScreenshot",
                ServeFixtures.JSON.createObjectNode().put("format", "png"));
        byte[] png = Base64.getDecoder().decode(shot.get("data").asText());
        assertTrue(png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG of the page");
        Path file = ServeFixtures.buildDir().resolve(name);
        Files.write(file, png);
        System.out.println("serve: screenshot of the page: " + file);
    }
}
