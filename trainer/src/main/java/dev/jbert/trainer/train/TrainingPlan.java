package dev.jbert.trainer.train;

import dev.jbert.cli.UserException;
import dev.jbert.engine.train.LrSchedule;

/**
 * The step arithmetic of a run, exactly as Hugging Face's {@code Trainer._inner_training_loop}:
 * <pre>
 *   num_update_steps_per_epoch = max(1, len(dataloader) // gradient_accumulation_steps)
 *   max_steps        = args.max_steps                          when given, else
 *                      ceil(num_train_epochs · num_update_steps_per_epoch)
 *   num_train_epochs = max_steps // per_epoch + (max_steps % per_epoch > 0)   when max_steps is given,
 *                      else ceil(num_train_epochs)
 *   warmup           = warmup_steps if > 0 else ceil(warmup_ratio · max_steps)
 *   logging/eval/save steps below 1 are ratios: ceil(ratio · max_steps)
 * </pre>
 * Within an epoch HF makes {@code ceil(len / accumulation)} optimizer steps, the last one over the
 * remaining micro-batches ({@link #microBatches}); the run stops at {@code max_steps}.
 *
 * @param batchesPerEpoch     {@code len(dataloader)}: micro-batches in one epoch
 * @param updatesPerEpoch     {@code num_update_steps_per_epoch} (HF's floor, used for the totals)
 * @param maxSteps            optimizer steps of the whole run
 * @param numTrainEpochs      epochs the loop may visit
 * @param warmupSteps         warm-up steps of the schedule
 * @param loggingSteps        steps between training logs
 * @param evalSteps           steps between evaluations (strategy steps)
 * @param saveSteps           steps between checkpoints (strategy steps)
 */
public record TrainingPlan(int batchesPerEpoch, int updatesPerEpoch, int maxSteps, int numTrainEpochs,
                           int warmupSteps, int loggingSteps, int evalSteps, int saveSteps) {

    public static TrainingPlan of(TrainingArguments args, int batchesPerEpoch) {
        if (batchesPerEpoch <= 0) {
            throw new UserException("the training data gives no batch");
        }
        int ga = args.gradientAccumulationSteps();
        int perEpoch = Math.max(1, batchesPerEpoch / ga);
        int maxSteps;
        int epochs;
        if (args.maxSteps() > 0) {
            maxSteps = args.maxSteps();
            epochs = maxSteps / perEpoch + (maxSteps % perEpoch > 0 ? 1 : 0);
        } else {
            double total = Math.ceil(args.epochs() * perEpoch);
            if (total > Integer.MAX_VALUE) {
                throw new UserException("--epochs " + args.epochs() + " gives more than " + Integer.MAX_VALUE + " steps");
            }
            maxSteps = (int) total;
            epochs = (int) Math.ceil(args.epochs());
        }
        if (maxSteps <= 0) {
            throw new UserException("the run has no optimizer step: raise --epochs or set --max-steps");
        }
        int warmup = args.warmupSteps() > 0 ? args.warmupSteps()
                : Math.toIntExact(LrSchedule.warmupStepsFromRatio(args.warmupRatio(), maxSteps));
        int logging = steps(args.loggingSteps(), maxSteps);
        int eval = args.evalSteps() > 0 ? steps(args.evalSteps(), maxSteps) : logging;
        int save = steps(args.saveSteps(), maxSteps);
        if (args.loadBestModelAtEnd() && args.evalStrategy() == IntervalStrategy.STEPS && save % eval != 0) {
            throw new UserException("--load-best-model-at-end requires --save-steps to be a multiple of --eval-steps,"
                    + " but they come to " + save + " and " + eval + " steps");
        }
        return new TrainingPlan(batchesPerEpoch, perEpoch, maxSteps, epochs, warmup, logging, eval, save);
    }

    /** A count of steps, or a ratio of the total below 1 ({@code ceil(ratio · maxSteps)}). */
    private static int steps(double value, int maxSteps) {
        if (value < 1) {
            return Math.max(1, (int) Math.ceil(maxSteps * value));
        }
        return (int) Math.min(Integer.MAX_VALUE, (long) value);
    }

    /** Optimizer steps within one epoch: {@code ceil(batchesPerEpoch / accumulation)}. */
    public int stepsInEpoch(int accumulation) {
        return (batchesPerEpoch + accumulation - 1) / accumulation;
    }

    /**
     * Micro-batches of the optimizer step that starts at micro-batch {@code firstBatch} of an epoch:
     * the accumulation count, or what is left of the epoch (HF's {@code remainder}).
     */
    public int microBatches(int firstBatch, int accumulation) {
        return Math.min(accumulation, batchesPerEpoch - firstBatch);
    }

    /** The learning-rate schedule of this plan. */
    public LrSchedule schedule(TrainingArguments args) {
        return new LrSchedule(args.lrScheduler(), args.learningRate(), warmupSteps, maxSteps);
    }
}
