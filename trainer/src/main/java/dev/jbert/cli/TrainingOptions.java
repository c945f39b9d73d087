package dev.jbert.cli;

import dev.jbert.engine.train.LrSchedule;
import dev.jbert.trainer.train.IntervalStrategy;
import dev.jbert.trainer.train.TrainingArguments;
import picocli.CommandLine.Option;

/**
 * The hyper-parameters of {@code jbert train}, named and defaulted as Hugging Face's
 * {@code TrainingArguments} (kebab-case: {@code learning_rate} is {@code --learning-rate},
 * {@code num_train_epochs} is {@code --epochs}, {@code per_device_train_batch_size} is
 * {@code --batch-size}). A picocli mixin; {@link #toArguments()} validates them.
 */
public final class TrainingOptions {
    @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "5e-5",
            description = "Peak learning rate of AdamW (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "Training epochs, may be fractional (HF num_train_epochs; default: ${DEFAULT-VALUE}).")
    double epochs;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "-1",
            description = "Optimizer steps of the run; overrides --epochs (default: from the epochs).")
    int maxSteps;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8",
            description = "Training rows per batch (HF per_device_train_batch_size; default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--eval-batch-size", paramLabel = "N", defaultValue = "8",
            description = "Evaluation rows per batch (default: ${DEFAULT-VALUE}).")
    int evalBatchSize;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0",
            description = "Decoupled weight decay for all but biases and LayerNorm (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--adam-beta1", paramLabel = "B1", defaultValue = "0.9", description = "Default: ${DEFAULT-VALUE}.")
    double adamBeta1;

    @Option(names = "--adam-beta2", paramLabel = "B2", defaultValue = "0.999", description = "Default: ${DEFAULT-VALUE}.")
    double adamBeta2;

    @Option(names = "--adam-epsilon", paramLabel = "EPS", defaultValue = "1e-8", description = "Default: ${DEFAULT-VALUE}.")
    double adamEpsilon;

    @Option(names = "--warmup-steps", paramLabel = "N", defaultValue = "0",
            description = "Linear warm-up steps; wins over --warmup-ratio when above 0 (default: ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(names = "--warmup-ratio", paramLabel = "R", defaultValue = "0",
            description = "Warm-up as a fraction of the total steps, ceil(R x steps) (default: ${DEFAULT-VALUE}).")
    double warmupRatio;

    @Option(names = "--lr-scheduler", paramLabel = "KIND", defaultValue = "linear",
            description = "linear, cosine, constant or constant_with_warmup (HF lr_scheduler_type; default: ${DEFAULT-VALUE}).")
    String lrScheduler;

    @Option(names = "--max-grad-norm", paramLabel = "N", defaultValue = "1.0",
            description = "Clip the global gradient norm to N; 0 turns clipping off (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--gradient-accumulation-steps", paramLabel = "N", defaultValue = "1",
            description = "Micro-batches per optimizer step (default: ${DEFAULT-VALUE}).")
    int gradientAccumulationSteps;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of dropout masks and a new head's weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-seed", paramLabel = "N",
            description = "Seed of the shuffles, the validation split and rebalancing (default: --seed).")
    Long dataSeed;

    @Option(names = "--eval-strategy", paramLabel = "no|steps|epoch", defaultValue = "no",
            description = "When to evaluate on the validation set during training (default: ${DEFAULT-VALUE}).")
    String evalStrategy;

    @Option(names = "--eval-steps", paramLabel = "N",
            description = "Steps between evaluations, or a ratio of the total below 1 (default: --logging-steps).")
    Double evalSteps;

    @Option(names = "--logging-strategy", paramLabel = "no|steps|epoch", defaultValue = "steps",
            description = "When to log the training loss (default: ${DEFAULT-VALUE}).")
    String loggingStrategy;

    @Option(names = "--logging-steps", paramLabel = "N", defaultValue = "500",
            description = "Steps between training logs, or a ratio of the total below 1 (default: ${DEFAULT-VALUE}).")
    double loggingSteps;

    @Option(names = "--logging-first-step", description = "Also log the first step.")
    boolean loggingFirstStep;

    @Option(names = "--save-strategy", paramLabel = "no|steps|epoch", defaultValue = "steps",
            description = "When to write a checkpoint-STEP folder (default: ${DEFAULT-VALUE}).")
    String saveStrategy;

    @Option(names = "--save-steps", paramLabel = "N", defaultValue = "500",
            description = "Steps between checkpoints, or a ratio of the total below 1 (default: ${DEFAULT-VALUE}).")
    double saveSteps;

    @Option(names = "--save-total-limit", paramLabel = "N", defaultValue = "0",
            description = "Keep only the newest N checkpoints (and the best); 0 keeps all (default).")
    int saveTotalLimit;

    @Option(names = "--load-best-model-at-end",
            description = "End with the weights of the best evaluation's checkpoint.")
    boolean loadBestModelAtEnd;

    @Option(names = "--metric-for-best-model", paramLabel = "NAME",
            description = "Metric that picks the best model, e.g. loss, accuracy, f1_macro (default: loss).")
    String metricForBestModel;

    @Option(names = "--greater-is-better", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Whether a larger metric is better (default: false for metrics ending in loss, else true).")
    Boolean greaterIsBetter;

    @Option(names = "--early-stopping-patience", paramLabel = "N", defaultValue = "0",
            description = "Stop after N evaluations without improvement of the metric; 0: off (default).")
    int earlyStoppingPatience;

    @Option(names = "--early-stopping-threshold", paramLabel = "T", defaultValue = "0",
            description = "How much the metric must improve to count (default: ${DEFAULT-VALUE}).")
    double earlyStoppingThreshold;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Override every dropout probability of the model; 0 turns dropout off (default: the model's).")
    Double dropout;

    @Option(names = "--no-shuffle", description = "Keep the file order of the training rows in every epoch.")
    boolean noShuffle;

    @Option(names = "--group-by-length", description = "Batch rows of similar length together (HF group_by_length).")
    boolean groupByLength;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.5",
            description = "Multi-label decision threshold for the metrics (default: ${DEFAULT-VALUE}).")
    double threshold;

    /** The validated arguments, with HF's derived defaults filled in. */
    public TrainingArguments toArguments() {
        LrSchedule.Kind kind;
        try {
            kind = LrSchedule.Kind.fromHf(lrScheduler.strip().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new UserException("--lr-scheduler: expected linear, cosine, constant or constant_with_warmup, found '"
                    + lrScheduler + "'");
        }
        String metric = TrainingArguments.resolveMetric(metricForBestModel, loadBestModelAtEnd, earlyStoppingPatience);
        if (metric != null && metric.startsWith("eval_")) {
            metric = metric.substring("eval_".length());
        }
        boolean greater = greaterIsBetter != null ? greaterIsBetter : TrainingArguments.defaultGreaterIsBetter(metric);
        return new TrainingArguments(learningRate, epochs, maxSteps, batchSize, evalBatchSize, weightDecay, adamBeta1,
                adamBeta2, adamEpsilon, warmupSteps, warmupRatio, kind, maxGradNorm, gradientAccumulationSteps, seed,
                dataSeed != null ? dataSeed : seed,
                IntervalStrategy.parse(evalStrategy, "--eval-strategy"), evalSteps != null ? evalSteps : 0,
                IntervalStrategy.parse(loggingStrategy, "--logging-strategy"), loggingSteps, loggingFirstStep,
                IntervalStrategy.parse(saveStrategy, "--save-strategy"), saveSteps, saveTotalLimit, loadBestModelAtEnd,
                metric, greater, earlyStoppingPatience, earlyStoppingThreshold, dropout, !noShuffle, groupByLength,
                threshold);
    }
}
