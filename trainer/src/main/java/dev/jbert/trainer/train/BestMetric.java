package dev.jbert.trainer.train;

import java.util.Map;

/**
 * The metric that picks the best checkpoint ({@code metric_for_best_model}, {@code greater_is_better}),
 * and Hugging Face's {@code Trainer._determine_best_metric}: a value is a new best when it is strictly
 * better than the best so far (NaN never is).
 */
public final class BestMetric {
    private final String key;
    private final boolean greaterIsBetter;

    /**
     * @param metric          the metric's name without {@code eval_} (e.g. {@code loss}, {@code accuracy})
     * @param greaterIsBetter whether larger values are better
     */
    public BestMetric(String metric, boolean greaterIsBetter) {
        this.key = "eval_" + metric;
        this.greaterIsBetter = greaterIsBetter;
    }

    /** The key in an evaluation's log entry: {@code eval_<metric>}. */
    public String key() {
        return key;
    }

    public boolean greaterIsBetter() {
        return greaterIsBetter;
    }

    /** The tracked value in an evaluation's log entry: NaN when absent or undefined there. */
    public double valueIn(Map<String, ? extends Number> logs) {
        Number v = logs.get(key);
        return v == null ? Double.NaN : v.doubleValue();
    }

    /** Strictly better ({@code np.greater} / {@code np.less}): false when either is NaN. */
    public boolean better(double value, double than) {
        return greaterIsBetter ? value > than : value < than;
    }

    /**
     * Records an evaluation in the state: a new best sets {@code best_metric} and, when checkpoints are
     * saved, {@code best_global_step}. Returns true for a new best.
     */
    public boolean update(TrainerState state, Map<String, ? extends Number> logs, boolean saving) {
        double value = valueIn(logs);
        double best = state.bestMetric != null ? state.bestMetric
                : greaterIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        if (better(value, best)) {
            state.bestMetric = value;
            if (saving) {
                state.bestGlobalStep = state.globalStep;
            }
            return true;
        }
        if (state.bestMetric == null) {
            state.bestMetric = best;
        }
        return false;
    }
}
