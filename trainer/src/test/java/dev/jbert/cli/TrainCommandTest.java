package dev.jbert.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.train.TrainCli;
import dev.jbert.trainer.train.TrainFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code jbert train} end to end on a tiny model: the output folder, the summary, config files, bad input. */
class TrainCommandTest {
    @TempDir
    Path tmp;
    Path model;
    Path train;
    Path dev;

    @BeforeEach
    void fixtures() throws Exception {
        model = TrainFixtures.tinyModel(tmp.resolve("model"), ModelType.BERT, 11);
        train = TrainFixtures.sentimentCsv(tmp.resolve("train.csv"), 24, 5);
        dev = TrainFixtures.sentimentCsv(tmp.resolve("dev.csv"), 8, 6);
    }

    private List<String> base(Path out) {
        return new ArrayList<>(List.of("train", "--model", model.toString(), "--train", train.toString(),
                "--output", out.toString()));
    }

    private static TrainCli.Run run(List<String> args) {
        return TrainCli.run(args.toArray(new String[0]));
    }

    @Test
    void writesAHuggingFaceModelFolderWithLogsAndSummary() throws Exception {
        Path out = tmp.resolve("out");
        List<String> args = base(out);
        args.addAll(List.of("--validation", dev.toString(), "--epochs", "3", "--learning-rate", "5e-3",
                "--eval-strategy", "epoch", "--save-strategy", "epoch", "--load-best-model-at-end",
                "--metric-for-best-model", "accuracy", "--save-total-limit", "1", "--logging-steps", "1"));
        TrainCli.Run r = run(args);
        assertEquals(0, r.status(), r.err());

        for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json",
                "special_tokens_map.json", "training_log.jsonl", "trainer_state.json", "eval_results.json",
                "training_args.json", "training_curves.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        JsonNode config = TrainFixtures.json(Files.readString(out.resolve("config.json")));
        assertEquals("BertForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals("single_label_classification", config.get("problem_type").asText());
        assertEquals("neg", config.get("id2label").get("0").asText(), "labels numbered in sorted order");
        assertEquals(1, config.get("label2id").get("pos").asInt());
        try (Checkpoint weights = Checkpoint.open(out.resolve("model.safetensors"))) {
            assertTrue(weights.contains("classifier.weight") && weights.contains("bert.pooler.dense.weight"));
            assertEquals("pt", weights.metadata().get("format"));
        }
        byte[] png = Files.readAllBytes(out.resolve("training_curves.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));

        List<JsonNode> log = TrainFixtures.jsonLines(out.resolve("training_log.jsonl"));
        JsonNode first = log.getFirst();
        for (String k : List.of("step", "epoch", "loss", "learning_rate", "grad_norm")) {
            assertTrue(first.has(k), k + " in " + first);
        }
        long evals = log.stream().filter(e -> e.has("eval_accuracy") && e.has("eval_loss")).count();
        assertEquals(4, evals, "one per epoch and the final evaluation");

        JsonNode state = TrainFixtures.json(Files.readString(out.resolve("trainer_state.json")));
        assertEquals(9, state.get("global_step").asInt(), "3 epochs of ceil(24 / 8) steps");
        assertEquals(9, state.get("max_steps").asInt());
        assertTrue(state.get("best_metric").isNumber());
        String best = state.get("best_model_checkpoint").asText();
        Path bestDir = out.resolve(Path.of(best).getFileName());
        assertTrue(Files.isDirectory(bestDir), best);
        assertArrayEquals(Files.readAllBytes(bestDir.resolve("model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")), "the best model is loaded at the end");
        long kept = Files.list(out).filter(p -> p.getFileName().toString().startsWith("checkpoint-")).count();
        assertTrue(kept >= 1 && kept <= 2, "save_total_limit 1 keeps the newest and the best: " + kept);

        JsonNode summary = TrainFixtures.json(r.out());
        for (String k : List.of("train_runtime", "train_samples_per_second", "train_steps_per_second", "train_loss",
                "epoch", "skipped_rows", "eval_accuracy", "eval_loss")) {
            assertTrue(summary.has(k), k + " in " + r.out());
        }
        assertEquals(3.0, summary.get("epoch").asDouble());
        JsonNode results = TrainFixtures.json(Files.readString(out.resolve("eval_results.json")));
        assertTrue(results.has("eval_confusion_matrix") && results.has("eval_per_class"));
        assertTrue(r.err().contains("step 1/9"), "plain progress lines when not on a terminal:\n" + r.err());

        // the output folder loads again as a classifier with its labels
        ModelFolder folder = ModelFolder.open(out);
        assertEquals(List.of("neg", "pos"), folder.config().labels());
        assertEquals(2, folder.loadClassifier(System.err).numLabels());
        assertEquals(folder.tokenizer().vocab().size(), TrainFixtures.vocabulary().size());
    }

    @Test
    void earlyStoppingEndsTheRunWhenTheMetricStopsImproving() throws Exception {
        Path out = tmp.resolve("out");
        List<String> args = base(out);
        args.addAll(List.of("--validation", dev.toString(), "--epochs", "5", "--learning-rate", "0",
                "--eval-strategy", "steps", "--eval-steps", "2", "--save-strategy", "no",
                "--early-stopping-patience", "1"));
        TrainCli.Run r = run(args);
        assertEquals(0, r.status(), r.err());
        JsonNode state = TrainFixtures.json(Files.readString(out.resolve("trainer_state.json")));
        assertEquals(4, state.get("global_step").asInt(), "lr 0: the second evaluation is no improvement");
        assertTrue(r.err().contains("early stopping"), r.err());
    }

    @Test
    void configFileGivesDefaultsAndFlagsWin() throws Exception {
        Path yaml = tmp.resolve("run.yaml");
        Files.writeString(yaml, """
                # HF TrainingArguments names and jbert option names both work
                learning_rate: 1e-3
                per_device_train_batch_size: 4
                max_steps: 5
                logging_steps: 1
                save_strategy: no  # YAML reads this as false: taken as "no"
                label-column: label
                """);
        Path out = tmp.resolve("out");
        List<String> args = base(out);
        args.addAll(List.of("--config", yaml.toString(), "--max-steps", "3"));
        TrainCli.Run r = run(args);
        assertEquals(0, r.status(), r.err());
        JsonNode state = TrainFixtures.json(Files.readString(out.resolve("trainer_state.json")));
        assertEquals(3, state.get("global_step").asInt(), "--max-steps on the command line wins");
        assertEquals(4, state.get("train_batch_size").asInt(), "batch size from the file");
        JsonNode trainingArgs = TrainFixtures.json(Files.readString(out.resolve("training_args.json")));
        assertEquals(1e-3, trainingArgs.get("learning_rate").asDouble());
        assertFalse(Files.exists(out.resolve("checkpoint-3")), "save_strategy no");

        Path json = tmp.resolve("run.json");
        Files.writeString(json, "{\"num_train_epochs\": 1, \"warmup_ratio\": 0.5, \"save_strategy\": \"no\"}");
        Path out2 = tmp.resolve("out2");
        r = run(List.of("train", "--config", json.toString(), "--model", model.toString(), "--train",
                train.toString(), "--output", out2.toString()));
        assertEquals(0, r.status(), r.err());
        assertEquals(3, TrainFixtures.json(Files.readString(out2.resolve("trainer_state.json")))
                .get("global_step").asInt(), "1 epoch of ceil(24 / 8) steps");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--learning-rate -1 | --learning-rate",
        "--eval-strategy sometimes | --eval-strategy: expected no, steps or epoch",
        "--eval-strategy steps | needs validation data",
        "--lr-scheduler wavy | --lr-scheduler",
        "--dropout 1.5 | --dropout",
        "--batch-size 0 | --batch-size",
        "--on-bad-row maybe | on bad row",
        "--text-column review | review",
        "--problem-type ranking | --problem-type",
        "--class-weights heavy | --class-weights",
        "--validation-split 1.5 | validation fraction",
        "--device tpu | unknown device 'tpu'",
        "--load-best-model-at-end --eval-strategy epoch --validation-split 0.25 | save and eval strategy to match",
        "--metric-for-best-model bleu --load-best-model-at-end --eval-strategy epoch --save-strategy epoch --validation-split 0.25 | --metric-for-best-model bleu",
        "--resume | no checkpoint",
        "--max-length 1000 | --max-length 1000"})
    void badFlagsFailWithOneLine(String flags, String expected) {
        List<String> args = base(tmp.resolve("out"));
        args.addAll(List.of(flags.strip().split(" +")));
        assertOneLineError(run(args), expected);
    }

    @Test
    void badDataFailsWithFileAndLine() throws Exception {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "text,label\ngood film,pos\n,neg\nawful,neg\n");
        List<String> args = new ArrayList<>(List.of("train", "--model", model.toString(), "--train", bad.toString(),
                "--output", tmp.resolve("out").toString()));
        assertOneLineError(run(args), bad + " line 3");

        Path unknown = tmp.resolve("dev.csv");
        Files.writeString(unknown, "text,label\ngood film,pos\nmeh,maybe\n");
        args = base(tmp.resolve("out"));
        args.addAll(List.of("--validation", unknown.toString()));
        assertOneLineError(run(args), "line 3: unknown label 'maybe'");

        args = base(tmp.resolve("out"));
        args.set(4, tmp.resolve("missing.csv").toString());
        assertOneLineError(run(args), "no such file");

        args = base(tmp.resolve("out"));
        args.set(2, tmp.resolve("no-model").toString());
        assertOneLineError(run(args), "not a model folder");
    }

    @Test
    void skippedRowsAreCountedInTheSummary() throws Exception {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "text,label\ngood film,pos\n,neg\nawful,neg\nlovely story,pos\n");
        TrainCli.Run r = run(List.of("train", "--model", model.toString(), "--train", bad.toString(), "--output",
                tmp.resolve("out").toString(), "--on-bad-row", "skip", "--max-steps", "1", "--save-strategy", "no"));
        assertEquals(0, r.status(), r.err());
        assertEquals(1, TrainFixtures.json(r.out()).get("skipped_rows").asInt());
        assertTrue(r.err().contains("line 3"), r.err());
    }

    @Test
    void dataOptionsTakeEffect() throws Exception {
        Path out = tmp.resolve("out");
        List<String> args = base(out);
        args.addAll(List.of("--validation-split", "0.25", "--rebalance", "--class-weights", "balanced",
                "--group-by-length", "--max-steps", "2", "--save-strategy", "no", "--data-seed", "3"));
        TrainCli.Run r = run(args);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("train: " + train + ": 18 rows"), r.err());
        assertTrue(r.err().contains("validation: " + train + ": 6 rows"), r.err());
        JsonNode summary = TrainFixtures.json(r.out());
        assertTrue(summary.has("eval_accuracy"), "the held-out rows are evaluated at the end");
        JsonNode trainingArgs = TrainFixtures.json(Files.readString(out.resolve("training_args.json")));
        assertEquals(3, trainingArgs.get("data_seed").asInt());
        assertTrue(trainingArgs.get("group_by_length").asBoolean());
    }

    @Test
    void resumesFromANamedCheckpoint() throws Exception {
        Path out = tmp.resolve("out");
        List<String> args = base(out);
        args.addAll(List.of("--max-steps", "4", "--save-steps", "2", "--debug-interrupt-after-step", "3"));
        assertEquals(0, run(args).status());
        List<String> again = base(out);
        again.addAll(List.of("--max-steps", "4", "--save-steps", "2", "--resume", out.resolve("checkpoint-2").toString()));
        TrainCli.Run r = run(again);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("resuming at step 2 of 4"), r.err());
        assertEquals(4, TrainFixtures.json(r.out()).get("global_step").asInt());
    }

    @Test
    void aNonEmptyOutputNeedsResumeOrOverwrite() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        List<String> args = base(out);
        args.addAll(List.of("--max-steps", "1", "--save-strategy", "no"));
        assertOneLineError(run(args), "is not empty");
        args.add("--overwrite-output-dir");
        assertEquals(0, run(args).status());
        assertTrue(Files.exists(out.resolve("notes.txt")), "only checkpoints are deleted");
    }

    static void assertOneLineError(TrainCli.Run r, String expected) {
        assertEquals(2, r.status(), "exit status of bad input\n" + r.err());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), "one line on stderr:\n" + r.err());
        assertTrue(lines.getFirst().startsWith("jbert: "), lines.getFirst());
        assertTrue(lines.getFirst().contains(expected), "expected '" + expected + "' in: " + lines.getFirst());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
