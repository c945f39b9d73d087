package dev.jbert.cli;

import static dev.jbert.cli.TrainCommandTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * {@code jbert eval}: with a model on labelled data (metrics JSON on stdout, report on stderr), and on
 * predictions made elsewhere, checked against scikit-learn's documented examples.
 */
class EvalCommandTest {
    @TempDir
    static Path tmp;
    static Path trained;
    static Path dev;

    @BeforeAll
    static void train() throws Exception {
        Path model = TrainFixtures.tinyModel(tmp.resolve("model"), ModelType.DISTILBERT, 4);
        Path train = TrainFixtures.sentimentCsv(tmp.resolve("train.csv"), 24, 8);
        dev = TrainFixtures.sentimentCsv(tmp.resolve("dev.csv"), 10, 9);
        trained = tmp.resolve("trained");
        TrainCli.Run r = TrainCli.run("train", "--model", model.toString(), "--train", train.toString(), "--output",
                trained.toString(), "--epochs", "2", "--learning-rate", "5e-3", "--save-strategy", "no");
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void evaluatesAModelOnLabelledData() throws Exception {
        TrainCli.Run r = TrainCli.run("eval", "--model", trained.toString(), "--data", dev.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode m = TrainFixtures.json(r.out());
        assertEquals(10, m.get("samples").asInt());
        for (String k : List.of("loss", "accuracy", "f1_macro", "mcc", "roc_auc", "pr_auc", "tp", "tn", "fp", "fn",
                "confusion_matrix", "per_class")) {
            assertTrue(m.has(k), k + " in " + r.out());
        }
        assertEquals(10, m.get("tp").asInt() + m.get("tn").asInt() + m.get("fp").asInt() + m.get("fn").asInt());
        assertTrue(r.err().contains("precision    recall  f1-score   support"), r.err());
        assertTrue(r.err().contains("neg") && r.err().contains("pos"), "classes by name:\n" + r.err());

        // the same accuracy as the predictions of jbert predict
        TrainCli.Run p = TrainCli.run("predict", "--model", trained.toString(), "--input", dev.toString());
        assertEquals(0, p.status(), p.err());
        List<String> truth = Files.readAllLines(dev).stream().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1))
                .toList();
        List<String> lines = p.out().lines().toList();
        int correct = 0;
        for (int i = 0; i < truth.size(); i++) {
            correct += TrainFixtures.json(lines.get(i)).get(0).get("label").asText().equals(truth.get(i)) ? 1 : 0;
        }
        assertEquals(correct / 10.0, m.get("accuracy").asDouble(), 1e-12);
    }

    @Test
    void scoresBinaryPredictionsAsScikitLearn() throws Exception {
        // scikit-learn's roc_auc_score / average_precision_score example: y = [0, 0, 1, 1], p = [.1, .4, .35, .8]
        Path f = tmp.resolve("binary.jsonl");
        Files.writeString(f, """
                {"label": 0, "scores": [0.9, 0.1]}
                {"label": 0, "scores": [0.6, 0.4]}

                {"label": 1, "scores": [0.65, 0.35]}
                {"label": 1, "scores": [0.2, 0.8]}
                """);
        TrainCli.Run r = TrainCli.run("eval", "--predictions", f.toString(), "--problem-type",
                "single_label_classification");
        assertEquals(0, r.status(), r.err());
        JsonNode m = TrainFixtures.json(r.out());
        assertEquals(0.75, m.get("roc_auc").asDouble(), 1e-12);
        assertEquals(0.8333333333333333, m.get("pr_auc").asDouble(), 1e-12);
        assertEquals(0.75, m.get("accuracy").asDouble(), 1e-12);
        assertEquals(1, m.get("tp").asInt());
        assertEquals(1, m.get("fn").asInt());
        assertEquals(4, m.get("samples").asInt());
    }

    @Test
    void scoresMultiLabelAndRegressionPredictions() throws Exception {
        Path multi = tmp.resolve("multi.jsonl");
        Files.writeString(multi, """
                {"label": [1, 0], "scores": [0.9, 0.2]}
                {"label": [0, 1], "scores": [0.4, 0.7]}
                {"label": [1, 1], "scores": [0.6, 0.3]}
                """);
        TrainCli.Run r = TrainCli.run("eval", "--predictions", multi.toString(), "--problem-type", "multi_label");
        assertEquals(0, r.status(), r.err());
        JsonNode m = TrainFixtures.json(r.out());
        assertEquals(2.0 / 3, m.get("subset_accuracy").asDouble(), 1e-12);
        assertEquals(1.0 / 6, m.get("hamming_loss").asDouble(), 1e-12);
        assertTrue(r.err().contains("samples avg"), r.err());

        Path reg = tmp.resolve("reg.jsonl");
        Files.writeString(reg, "{\"label\": 1, \"scores\": 1}\n{\"label\": 2, \"scores\": [2]}\n{\"label\": 3, \"scores\": 4}\n");
        r = TrainCli.run("eval", "--predictions", reg.toString(), "--problem-type", "regression");
        assertEquals(0, r.status(), r.err());
        m = TrainFixtures.json(r.out());
        assertEquals(1.0 / 3, m.get("mse").asDouble(), 1e-12);
        assertEquals(1.0 / 3, m.get("mae").asDouble(), 1e-12);
        assertTrue(r.err().contains("mse"), r.err());
    }

    @Test
    void badInputFailsWithOneLine() throws Exception {
        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(f, "{\"label\": 0, \"scores\": [0.9, 0.1]}\n{\"label\": 2, \"scores\": [0.5, 0.5]}\n");
        assertOneLineError(TrainCli.run("eval", "--predictions", f.toString(), "--problem-type", "single_label"),
                f + " line 2: \"label\" is 2, expected a class id in 0..1");
        Files.writeString(f, "{\"label\": 0, \"scores\": [0.9, 0.1]}\n{\"label\": 1, \"scores\": [0.5]}\n");
        assertOneLineError(TrainCli.run("eval", "--predictions", f.toString(), "--problem-type", "single_label"),
                "line 2: \"scores\" has 1 values, the first line has 2");
        Files.writeString(f, "{\"label\": 0, \"scores\": [0.9, 0.1]\n");
        assertOneLineError(TrainCli.run("eval", "--predictions", f.toString(), "--problem-type", "single_label"),
                "line 1: malformed JSON");
        assertOneLineError(TrainCli.run("eval", "--predictions", f.toString()), "needs --problem-type");
        assertOneLineError(TrainCli.run("eval", "--model", trained.toString()), "give --model DIR and --data FILE");
        Path wrong = tmp.resolve("wrong.csv");
        Files.writeString(wrong, "text,label\ngood,pos\nbad,so-so\n");
        assertOneLineError(TrainCli.run("eval", "--model", trained.toString(), "--data", wrong.toString()),
                wrong + " line 3: unknown label 'so-so'");
    }
}
