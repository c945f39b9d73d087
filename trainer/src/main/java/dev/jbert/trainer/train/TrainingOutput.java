package dev.jbert.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.io.AtomicFiles;
import dev.jbert.engine.io.HfJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The end of a run, as Hugging Face's {@code Trainer.train()} followed by {@code run_glue.py}'s
 * {@code save_model}, {@code evaluate} and {@code save_state}: the best checkpoint's weights are
 * loaded when asked ({@code load_best_model_at_end}), the training summary is logged, the validation
 * set (if any) is evaluated once more, and the output folder receives the model folder, the
 * {@code trainer_state.json}, {@code training_log.jsonl}, {@code eval_results.json},
 * {@code training_args.json} and {@code training_curves.png}. Every file is written atomically.
 */
public final class TrainingOutput {
    public static final String EVAL_RESULTS = "eval_results.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingOutput() {
    }

    /** Writes the output folder; returns the summary printed on stdout. */
    public static Map<String, Object> write(Trainer.Setup s, Trainer trainer, Trainer.Outcome o, int skippedRows)
            throws IOException {
        TrainerState state = o.state();
        TrainingArguments args = s.args();
        Path out = s.store().outputDir();
        if (args.loadBestModelAtEnd() && state.bestModelCheckpoint != null) {
            Path best = out.resolve(Path.of(state.bestModelCheckpoint).getFileName());
            if (Files.isRegularFile(best.resolve(ModelWriter.WEIGHTS))) {
                trainer.loadWeights(best.resolve(ModelWriter.WEIGHTS));
                s.progress().message("loaded the best model from " + best.getFileName() + " ("
                        + args.metricKey() + " " + state.bestMetric + ")");
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        double seconds = o.seconds();
        summary.put("train_runtime", round(seconds, 4));
        summary.put("train_samples_per_second", seconds > 0 ? round(o.samples() / seconds, 3) : 0.0);
        summary.put("train_steps_per_second", seconds > 0 ? round(o.steps() / seconds, 3) : 0.0);
        summary.put("train_loss", state.globalStep > 0 ? state.totalLoss / state.globalStep : 0.0);
        summary.put("epoch", state.epoch);
        ObjectNode done = JsonNodeFactory.instance.objectNode();
        summary.forEach((k, v) -> done.put(k, ((Number) v).doubleValue()));
        done.put("total_flos", 0);
        done.put("step", state.globalStep);
        state.logHistory.add(done);
        summary.put("global_step", state.globalStep);
        summary.put("skipped_rows", skippedRows);

        ObjectNode evalResults = null;
        if (s.evaluator() != null) {
            EvalResult r = trainer.evaluate();
            Map<String, Number> logs = r.logEntries();
            state.logHistory.add(trainer.entry(logs));
            summary.putAll(logs);
            evalResults = JSON.createObjectNode();
            evalResults.put("epoch", state.epoch);
            evalResults.put("eval_samples", r.samples());
            for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
                evalResults.set("eval_" + e.getKey(), JSON.valueToTree(e.getValue()));
            }
            for (Map.Entry<String, Number> e : logs.entrySet()) {
                evalResults.set(e.getKey(), JSON.valueToTree(e.getValue()));
            }
        }

        ModelWriter.write(out, s.model(), s.saveConfig(), s.tokenizer());
        state.save(out);
        new TrainingLog(out, 0).write(state.logHistory);
        AtomicFiles.writeString(out.resolve(TrainingCheckpoint.ARGS), HfJson.write(args.toJson()) + "\n");
        if (evalResults != null) {
            AtomicFiles.writeString(out.resolve(EVAL_RESULTS), HfJson.write(evalResults) + "\n");
        }
        try {
            TrainingCurves.write(out.resolve(TrainingCurves.FILE_NAME), state.logHistory,
                    args.metricKey() != null ? args.metricKey() : TrainingCurves.defaultMetric(s.saveConfig().problemType()));
        } catch (IOException | RuntimeException | LinkageError e) {
            s.progress().message("warning: could not draw " + TrainingCurves.FILE_NAME + ": " + e);
        }
        summary.put("output", out.toString());
        return summary;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
