package dev.jbert.trainer.train;

import java.util.Map;

/**
 * Hugging Face's {@code EarlyStoppingCallback}: after each evaluation, before the best metric is
 * updated, the patience counter resets when there is no best yet, or when the value is better than
 * the best by more than the threshold; otherwise it grows. Training stops once it reaches the
 * patience. The counter lives in {@link TrainerState} so that a resumed run continues it.
 */
public final class EarlyStopping {
    private final BestMetric metric;
    private final int patience;
    private final double threshold;

    public EarlyStopping(BestMetric metric, int patience, double threshold) {
        if (patience < 1) {
            throw new IllegalArgumentException("early stopping patience must be at least 1, got " + patience);
        }
        this.metric = metric;
        this.patience = patience;
        this.threshold = threshold;
    }

    /** Updates the counter for this evaluation; true when training should stop. */
    public boolean onEvaluate(TrainerState state, Map<String, ? extends Number> logs) {
        if (!logs.containsKey(metric.key())) {
            return false; // HF: "early stopping required metric_for_best_model, but did not find ..."
        }
        double value = metric.valueIn(logs);
        if (state.bestMetric == null
                || (metric.better(value, state.bestMetric) && Math.abs(value - state.bestMetric) > threshold)) {
            state.earlyStoppingPatienceCounter = 0;
        } else {
            state.earlyStoppingPatienceCounter++;
        }
        return state.earlyStoppingPatienceCounter >= patience;
    }
}
