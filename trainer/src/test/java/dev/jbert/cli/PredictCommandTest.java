package dev.jbert.cli;

import static dev.jbert.cli.TrainCommandTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.config.ModelType;
import dev.jbert.trainer.train.TrainCli;
import dev.jbert.trainer.train.TrainFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbert predict}: the text-classification pipeline's output format and semantics (scores by
 * function, top-k, sorting, input order), from texts and from files.
 */
class PredictCommandTest {
    @TempDir
    static Path tmp;
    static Path single;
    static Path multi;
    static Path base;

    @BeforeAll
    static void train() throws Exception {
        base = TrainFixtures.tinyModel(tmp.resolve("model"), ModelType.BERT, 21);
        Path train = TrainFixtures.sentimentCsv(tmp.resolve("train.csv"), 16, 3);
        single = tmp.resolve("single");
        TrainCli.Run r = TrainCli.run("train", "--model", base.toString(), "--train", train.toString(), "--output",
                single.toString(), "--max-steps", "2", "--save-strategy", "no");
        assertEquals(0, r.status(), r.err());
        Path tags = tmp.resolve("tags.jsonl");
        Files.writeString(tags, """
                {"text": "the film was good", "labels": ["plot", "acting"]}
                {"text": "the film was awful", "labels": ["acting"]}
                {"text": "a boring story", "labels": ["story"]}
                """);
        multi = tmp.resolve("multi");
        r = TrainCli.run("train", "--model", base.toString(), "--train", tags.toString(), "--output", multi.toString(),
                "--max-steps", "2", "--save-strategy", "no");
        assertEquals(0, r.status(), r.err());
    }

    private static List<JsonNode> lines(TrainCli.Run r) throws Exception {
        assertEquals(0, r.status(), r.err());
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : r.out().lines().toList()) {
            out.add(TrainFixtures.json(l));
        }
        return out;
    }

    @Test
    void oneLinePerTextWithTheTopLabelByDefault() throws Exception {
        List<JsonNode> out = lines(TrainCli.run("predict", "--model", single.toString(), "--text", "the film was great",
                "--text", "the movie was awful", "--text", "a dull plot"));
        assertEquals(3, out.size());
        for (JsonNode line : out) {
            assertEquals(1, line.size(), "pipeline(text) gives the top label only: " + line);
            assertTrue(List.of("neg", "pos").contains(line.get(0).get("label").asText()));
            double score = line.get(0).get("score").asDouble();
            assertTrue(score >= 0.5 && score <= 1, "the softmax maximum of two classes: " + score);
        }
    }

    @Test
    void scoresFollowTheFunctionAndAreSortedAsThePipeline() throws Exception {
        String text = "the plot was brilliant";
        JsonNode logits = lines(TrainCli.run("predict", "--model", single.toString(), "--text", text, "--top-k", "all",
                "--function-to-apply", "none")).getFirst();
        JsonNode probs = lines(TrainCli.run("predict", "--model", single.toString(), "--text", text, "--top-k",
                "all")).getFirst();
        JsonNode sig = lines(TrainCli.run("predict", "--model", single.toString(), "--text", text, "--top-k", "2",
                "--function-to-apply", "sigmoid")).getFirst();
        double neg = score(logits, "neg");
        double pos = score(logits, "pos");
        double max = Math.max(neg, pos);
        double z = Math.exp(neg - max) + Math.exp(pos - max);
        assertEquals(Math.exp(pos - max) / z, score(probs, "pos"), 1e-6);
        assertEquals(Math.exp(neg - max) / z, score(probs, "neg"), 1e-6);
        assertEquals(1 / (1 + Math.exp(-pos)), score(sig, "pos"), 1e-6);
        for (JsonNode line : List.of(logits, probs, sig)) {
            assertEquals(2, line.size());
            assertTrue(line.get(0).get("score").asDouble() >= line.get(1).get("score").asDouble(), "sorted: " + line);
        }
        JsonNode filtered = lines(TrainCli.run("predict", "--model", single.toString(), "--text", text, "--top-k", "all",
                "--threshold", "0.5")).getFirst();
        assertEquals(1, filtered.size(), "of two softmax scores one is at least 0.5: " + filtered);
    }

    @Test
    void multiLabelModelsUseTheSigmoid() throws Exception {
        JsonNode line = lines(TrainCli.run("predict", "--model", multi.toString(), "--text", "the film was good",
                "--top-k", "all")).getFirst();
        assertEquals(3, line.size(), "acting, plot, story");
        double sum = 0;
        for (JsonNode e : line) {
            sum += e.get("score").asDouble();
        }
        assertNotEquals(1.0, sum, 1e-3, "independent sigmoid scores, not a softmax");
    }

    @Test
    void filesGiveTheSameLinesInInputOrder() throws Exception {
        List<String> texts = List.of("the film was great", "awful acting", "the story was quite dull", "superb");
        String[] args = {"predict", "--model", single.toString(), "--top-k", "all"};
        List<String> cmd = new java.util.ArrayList<>(List.of(args));
        for (String t : texts) {
            cmd.addAll(List.of("--text", t));
        }
        List<JsonNode> fromTexts = lines(TrainCli.run(cmd.toArray(new String[0])));

        Path jsonl = tmp.resolve("in.jsonl");
        StringBuilder sb = new StringBuilder();
        for (String t : texts) {
            sb.append("{\"text\": \"").append(t).append("\"}\n");
        }
        Files.writeString(jsonl, sb.toString());
        assertSameLines(fromTexts, lines(TrainCli.run("predict", "--model", single.toString(), "--top-k", "all",
                "--input", jsonl.toString(), "--batch-size", "3")));

        Path tsv = tmp.resolve("in.tsv");
        Files.writeString(tsv, "id\treview\n" + String.join("\n", texts.stream().map(t -> "x\t" + t).toList()) + "\n");
        assertSameLines(fromTexts, lines(TrainCli.run("predict", "--model", single.toString(), "--top-k", "all",
                "--input", tsv.toString(), "--text-column", "review")));
    }

    @Test
    void badInputFailsWithOneLine() throws Exception {
        assertOneLineError(TrainCli.run("predict", "--model", single.toString(), "--text", "x", "--top-k", "0"),
                "--top-k");
        assertOneLineError(TrainCli.run("predict", "--model", single.toString(), "--text", "x",
                "--function-to-apply", "tanh"), "--function-to-apply");
        assertOneLineError(TrainCli.run("predict", "--model", single.toString(), "--text", "a", "--text", "b",
                "--text-pair", "c"), "--text-pair: give one per --text");
        assertOneLineError(TrainCli.run("predict", "--model", base.toString(), "--text", "x"),
                "no classification head");
        assertOneLineError(TrainCli.run("predict", "--model", single.toString(), "--input",
                tmp.resolve("none.csv").toString()), "no such file");
        Path empty = tmp.resolve("empty-text.jsonl");
        Files.writeString(empty, "{\"text\": \"fine\"}\n{\"text\": \"\"}\n");
        assertOneLineError(TrainCli.run("predict", "--model", single.toString(), "--input", empty.toString()),
                empty + " line 2");
        TrainCli.Run r = TrainCli.run("predict", "--model", single.toString());
        assertEquals(2, r.status(), "--text or --input is required");
    }

    /** The same labels in the same order, scores equal up to float rounding (batches pad differently). */
    private static void assertSameLines(List<JsonNode> want, List<JsonNode> have) {
        assertEquals(want.size(), have.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).size(), have.get(i).size());
            for (int j = 0; j < want.get(i).size(); j++) {
                assertEquals(want.get(i).get(j).get("label"), have.get(i).get(j).get("label"), "line " + i);
                assertEquals(want.get(i).get(j).get("score").asDouble(), have.get(i).get(j).get("score").asDouble(),
                        1e-6, "line " + i);
            }
        }
    }

    private static double score(JsonNode line, String label) {
        for (JsonNode e : line) {
            if (e.get("label").asText().equals(label)) {
                return e.get("score").asDouble();
            }
        }
        throw new AssertionError(label + " not in " + line);
    }
}
