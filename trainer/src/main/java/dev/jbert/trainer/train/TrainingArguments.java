package dev.jbert.trainer.train;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.cli.UserException;
import dev.jbert.engine.train.LrSchedule;

/**
 * The hyper-parameters of a training run, named and defaulted as Hugging Face's
 * {@code TrainingArguments} (see {@link #defaults()}), already validated: every instance obeys the
 * rules HF's {@code __post_init__} enforces, and the ones a loop needs to make sense.
 *
 * <p>Steps given as a number below 1 ({@code loggingSteps}, {@code evalSteps}, {@code saveSteps}) are
 * a ratio of the total steps, as in HF; {@link TrainingPlan} turns them into step counts.
 *
 * @param learningRate              peak learning rate ({@code learning_rate}, 5e-5)
 * @param epochs                    {@code num_train_epochs} (3)
 * @param maxSteps                  {@code max_steps}; -1: from the epochs
 * @param batchSize                 {@code per_device_train_batch_size} (8)
 * @param evalBatchSize             {@code per_device_eval_batch_size} (8)
 * @param weightDecay               {@code weight_decay} (0), for all but biases and LayerNorm parameters
 * @param adamBeta1                 {@code adam_beta1} (0.9)
 * @param adamBeta2                 {@code adam_beta2} (0.999)
 * @param adamEpsilon               {@code adam_epsilon} (1e-8)
 * @param warmupSteps               {@code warmup_steps} (0); wins over the ratio when above 0
 * @param warmupRatio               {@code warmup_ratio} (0): {@code ceil(ratio · max_steps)} warm-up steps
 * @param lrScheduler               {@code lr_scheduler_type} (linear)
 * @param maxGradNorm               {@code max_grad_norm} (1.0); 0 turns clipping off
 * @param gradientAccumulationSteps {@code gradient_accumulation_steps} (1)
 * @param seed                      {@code seed} (42): dropout masks, a new head's initial weights
 * @param dataSeed                  {@code data_seed} (the seed): shuffling, validation split, rebalancing
 * @param evalStrategy              {@code eval_strategy} (no)
 * @param evalSteps                 {@code eval_steps}; 0: the logging steps
 * @param loggingStrategy           {@code logging_strategy} (steps)
 * @param loggingSteps              {@code logging_steps} (500)
 * @param loggingFirstStep          {@code logging_first_step} (false)
 * @param saveStrategy              {@code save_strategy} (steps)
 * @param saveSteps                 {@code save_steps} (500)
 * @param saveTotalLimit            {@code save_total_limit}; 0: keep every checkpoint
 * @param loadBestModelAtEnd        {@code load_best_model_at_end} (false)
 * @param metricForBestModel        {@code metric_for_best_model}, resolved: "loss" when a best model
 *                                  or early stopping needs one and none was given; null when unused
 * @param greaterIsBetter           {@code greater_is_better}, resolved: false for names ending in "loss"
 * @param earlyStoppingPatience     {@code EarlyStoppingCallback(early_stopping_patience)}; 0: off
 * @param earlyStoppingThreshold    {@code early_stopping_threshold} (0)
 * @param dropout                   overrides every dropout probability of the model; null: the model's own
 * @param shuffle                   shuffle the training rows each epoch (true)
 * @param groupByLength             {@code group_by_length} (false)
 * @param threshold                 multi-label decision threshold for the metrics (0.5)
 */
public record TrainingArguments(
        double learningRate,
        double epochs,
        int maxSteps,
        int batchSize,
        int evalBatchSize,
        double weightDecay,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        int warmupSteps,
        double warmupRatio,
        LrSchedule.Kind lrScheduler,
        double maxGradNorm,
        int gradientAccumulationSteps,
        long seed,
        long dataSeed,
        IntervalStrategy evalStrategy,
        double evalSteps,
        IntervalStrategy loggingStrategy,
        double loggingSteps,
        boolean loggingFirstStep,
        IntervalStrategy saveStrategy,
        double saveSteps,
        int saveTotalLimit,
        boolean loadBestModelAtEnd,
        String metricForBestModel,
        boolean greaterIsBetter,
        int earlyStoppingPatience,
        double earlyStoppingThreshold,
        Double dropout,
        boolean shuffle,
        boolean groupByLength,
        double threshold) {

    public TrainingArguments {
        positiveOrZero(learningRate, "--learning-rate");
        if (!(epochs > 0) || Double.isInfinite(epochs)) {
            if (maxSteps <= 0) {
                throw new UserException("--epochs: expected a positive number, found " + epochs);
            }
        }
        if (maxSteps == 0 || maxSteps < -1) {
            throw new UserException("--max-steps: expected a positive number of optimizer steps, found " + maxSteps);
        }
        positive(batchSize, "--batch-size");
        positive(evalBatchSize, "--eval-batch-size");
        positive(gradientAccumulationSteps, "--gradient-accumulation-steps");
        positiveOrZero(weightDecay, "--weight-decay");
        if (!(adamBeta1 >= 0 && adamBeta1 < 1)) {
            throw new UserException("--adam-beta1: expected a number in [0, 1), found " + adamBeta1);
        }
        if (!(adamBeta2 >= 0 && adamBeta2 < 1)) {
            throw new UserException("--adam-beta2: expected a number in [0, 1), found " + adamBeta2);
        }
        positiveOrZero(adamEpsilon, "--adam-epsilon");
        if (warmupSteps < 0) {
            throw new UserException("--warmup-steps: expected 0 or more, found " + warmupSteps);
        }
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new UserException("--warmup-ratio: expected a number in [0, 1], found " + warmupRatio);
        }
        positiveOrZero(maxGradNorm, "--max-grad-norm");
        steps(evalSteps, "--eval-steps", true);
        steps(loggingSteps, "--logging-steps", false);
        steps(saveSteps, "--save-steps", false);
        if (saveTotalLimit < 0) {
            throw new UserException("--save-total-limit: expected a positive number of checkpoints, found "
                    + saveTotalLimit);
        }
        if (earlyStoppingPatience < 0) {
            throw new UserException("--early-stopping-patience: expected 0 (off) or more evaluations, found "
                    + earlyStoppingPatience);
        }
        positiveOrZero(earlyStoppingThreshold, "--early-stopping-threshold");
        if (dropout != null && !(dropout >= 0 && dropout < 1)) {
            throw new UserException("--dropout: expected a probability in [0, 1), found " + dropout);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new UserException("--threshold: expected a number in [0, 1], found " + threshold);
        }
        if (loadBestModelAtEnd) {
            if (evalStrategy == IntervalStrategy.NO) {
                throw new UserException("--load-best-model-at-end needs evaluations: set --eval-strategy steps or epoch");
            }
            if (evalStrategy != saveStrategy) {
                throw new UserException("--load-best-model-at-end requires the save and eval strategy to match, but found"
                        + " --eval-strategy " + evalStrategy.hfName() + " and --save-strategy " + saveStrategy.hfName());
            }
            if (evalStrategy == IntervalStrategy.STEPS && evalSteps > 0 && !ratioOrMultiple(saveSteps, evalSteps)) {
                throw new UserException("--load-best-model-at-end requires --save-steps to be a multiple of --eval-steps,"
                        + " but found " + number(saveSteps) + ", which is not a multiple of " + number(evalSteps));
            }
        }
        if (earlyStoppingPatience > 0 && evalStrategy == IntervalStrategy.NO) {
            throw new UserException("--early-stopping-patience needs evaluations: set --eval-strategy steps or epoch"
                    + " (and --validation or --validation-split)");
        }
        if (metricForBestModel != null) {
            metricForBestModel = metricForBestModel.strip();
            if (metricForBestModel.startsWith("eval_")) {
                metricForBestModel = metricForBestModel.substring("eval_".length());
            }
            if (metricForBestModel.isEmpty()) {
                throw new UserException("--metric-for-best-model: expected a metric name such as loss or accuracy");
            }
        }
    }

    /** Hugging Face's defaults (no best model, no early stopping, no dropout override). */
    public static TrainingArguments defaults() {
        return new TrainingArguments(5e-5, 3, -1, 8, 8, 0, 0.9, 0.999, 1e-8, 0, 0, LrSchedule.Kind.LINEAR, 1.0, 1,
                42, 42, IntervalStrategy.NO, 0, IntervalStrategy.STEPS, 500, false, IntervalStrategy.STEPS, 500, 0,
                false, null, false, 0, 0, null, true, false, 0.5);
    }

    /**
     * Fills in HF's derived defaults: {@code metric_for_best_model = "loss"} when a best model or
     * early stopping needs a metric, and {@code greater_is_better = !metric.endsWith("loss")} unless
     * given ({@code greaterIsBetter} null).
     */
    public static String resolveMetric(String metric, boolean loadBest, int patience) {
        if (metric == null && (loadBest || patience > 0)) {
            return "loss";
        }
        return metric;
    }

    /** HF's {@code greater_is_better} default for a metric name. */
    public static boolean defaultGreaterIsBetter(String metric) {
        return metric != null && !metric.endsWith("loss");
    }

    /** True when there is a metric to track (a best model, early stopping). */
    public boolean tracksBestMetric() {
        return metricForBestModel != null;
    }

    /** The key of the tracked metric in evaluation logs: {@code eval_<metric>}. */
    public String metricKey() {
        return metricForBestModel == null ? null : "eval_" + metricForBestModel;
    }

    /** The arguments under HF's names, as {@code training_args.json} holds them. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("learning_rate", learningRate);
        o.put("num_train_epochs", epochs);
        o.put("max_steps", maxSteps);
        o.put("per_device_train_batch_size", batchSize);
        o.put("per_device_eval_batch_size", evalBatchSize);
        o.put("weight_decay", weightDecay);
        o.put("adam_beta1", adamBeta1);
        o.put("adam_beta2", adamBeta2);
        o.put("adam_epsilon", adamEpsilon);
        o.put("warmup_steps", warmupSteps);
        o.put("warmup_ratio", warmupRatio);
        o.put("lr_scheduler_type", lrScheduler.hfName());
        o.put("max_grad_norm", maxGradNorm);
        o.put("gradient_accumulation_steps", gradientAccumulationSteps);
        o.put("seed", seed);
        o.put("data_seed", dataSeed);
        o.put("eval_strategy", evalStrategy.hfName());
        o.put("eval_steps", evalSteps);
        o.put("logging_strategy", loggingStrategy.hfName());
        o.put("logging_steps", loggingSteps);
        o.put("logging_first_step", loggingFirstStep);
        o.put("save_strategy", saveStrategy.hfName());
        o.put("save_steps", saveSteps);
        if (saveTotalLimit > 0) {
            o.put("save_total_limit", saveTotalLimit);
        } else {
            o.putNull("save_total_limit");
        }
        o.put("load_best_model_at_end", loadBestModelAtEnd);
        if (metricForBestModel != null) {
            o.put("metric_for_best_model", metricForBestModel);
            o.put("greater_is_better", greaterIsBetter);
        } else {
            o.putNull("metric_for_best_model");
            o.putNull("greater_is_better");
        }
        o.put("early_stopping_patience", earlyStoppingPatience);
        o.put("early_stopping_threshold", earlyStoppingThreshold);
        if (dropout != null) {
            o.put("dropout", dropout);
        } else {
            o.putNull("dropout");
        }
        o.put("shuffle", shuffle);
        o.put("group_by_length", groupByLength);
        o.put("threshold", threshold);
        return o;
    }

    private static void positive(int v, String flag) {
        if (v <= 0) {
            throw new UserException(flag + ": expected a positive integer, found " + v);
        }
    }

    private static void positiveOrZero(double v, String flag) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new UserException(flag + ": expected a finite number, 0 or more, found " + v);
        }
    }

    private static void steps(double v, String flag, boolean zeroAllowed) {
        boolean ok = v >= 0 && !Double.isInfinite(v) && (v < 1 || v == Math.rint(v)) && (zeroAllowed || v > 0);
        if (!ok) {
            throw new UserException(flag + ": expected a whole number of steps (or a ratio of the total below 1), found "
                    + number(v));
        }
    }

    private static boolean ratioOrMultiple(double save, double eval) {
        if (save < 1 || eval < 1) {
            return true; // ratios are checked once the total is known (TrainingPlan)
        }
        return ((long) save) % ((long) eval) == 0;
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
