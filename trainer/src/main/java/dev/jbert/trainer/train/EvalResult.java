package dev.jbert.trainer.train;

import dev.jbert.engine.train.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One evaluation: the mean loss over the rows, the metrics ({@link EvalMetrics}), and what they were
 * computed from.
 *
 * @param loss     Hugging Face's {@code eval_loss}: each batch's mean loss weighted by its rows
 * @param metrics  the full metrics map (with {@code confusion_matrix} and {@code per_class})
 * @param samples  rows evaluated
 * @param batches  batches run
 * @param seconds  wall time of the evaluation
 * @param logits   {@code [N, L]} in data order
 * @param labels   the rows' labels in data order
 */
public record EvalResult(double loss, Map<String, Object> metrics, int samples, int batches, double seconds,
                         float[][] logits, Labels labels) {

    /**
     * The log entry HF writes: {@code eval_loss}, {@code eval_<metric>} for every numeric metric,
     * then {@code eval_runtime}, {@code eval_samples_per_second}, {@code eval_steps_per_second}
     * (rounded as HF's {@code speed_metrics}).
     */
    public Map<String, Number> logEntries() {
        Map<String, Number> out = new LinkedHashMap<>();
        out.put("eval_loss", loss);
        out.putAll(EvalMetrics.scalars(metrics, "eval_"));
        out.put("eval_runtime", Math.round(seconds * 1e4) / 1e4);
        out.put("eval_samples_per_second", seconds > 0 ? Math.round(samples / seconds * 1e3) / 1e3 : 0.0);
        out.put("eval_steps_per_second", seconds > 0 ? Math.round(batches / seconds * 1e3) / 1e3 : 0.0);
        return out;
    }
}
