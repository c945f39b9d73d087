package dev.jbert.trainer.zeroshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.Cli;
import dev.jbert.engine.backend.Backends;
import dev.jbert.trainer.model.ModelFolder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-shot evaluation runner on the topic set (trainer/src/test/resources/dev/jbert/zeroshot/topics.csv),
 * with the tiny test model: it runs and counts right (the accuracy of a random model means nothing;
 * docs/zero-shot.md has the accuracy of a model trained on SNLI).
 */
class ZeroShotEvaluationTest {
    @TempDir
    Path tmp;

    static Path topics() throws Exception {
        return Path.of(ZeroShotEvaluationTest.class.getResource("/dev/jbert/zeroshot/topics.csv").toURI());
    }

    @Test
    void countsHitsOnTheTopicSet() throws Exception {
        Path nli = ZeroShotFixtures.nliModel(tmp.resolve("nli"));
        ZeroShotClassifier zs = ZeroShotClassifier.load(ModelFolder.open(nli), Backends.byName("cpu"), null);
        ZeroShotEvaluation.Outcome o = ZeroShotEvaluation.evaluate(zs, topics(), null, HypothesisTemplate.defaults());
        assertEquals(60, o.examples());
        assertEquals(List.of("cooking", "politics", "science", "sports"), o.labels().stream().sorted().toList());
        int total = 0;
        int diagonal = 0;
        for (int i = 0; i < 4; i++) {
            int row = 0;
            for (int j = 0; j < 4; j++) {
                row += o.confusion()[i][j];
            }
            assertEquals(15, row, "15 sentences per topic");
            total += row;
            diagonal += o.confusion()[i][i];
        }
        assertEquals(60, total);
        assertEquals(diagonal, o.correct());
    }

    @Test
    void mainPrintsAJsonReport() throws Exception {
        Path nli = ZeroShotFixtures.nliModel(tmp.resolve("nli"));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            status = Cli.commandLine(new ZeroShotEvaluation()).execute("--model", nli.toString(), "--data",
                    topics().toString(), "--labels", "politics,sports,science,cooking", "--template", "This text is about {}.");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, status);
        JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(60, report.get("examples").asInt());
        double acc = report.get("accuracy").asDouble();
        assertTrue(acc >= 0 && acc <= 1, report.toString());
        assertEquals("This text is about {}.", report.get("template").asText());
        assertEquals(4, report.get("recall").size());
    }
}
