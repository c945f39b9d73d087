package dev.jbert.engine.train;

import java.util.Locale;

/**
 * Hugging Face's learning-rate schedules ({@code transformers.optimization}), as a function of
 * the optimizer step: {@link #lr(long)} is the learning rate used by step {@code s}
 * (0-based; PyTorch's {@code LambdaLR} gives {@code base_lr · lambda(s)} with
 * {@code scheduler.step()} after each optimizer step). All in double, in Python's order.
 *
 * <ul>
 *   <li>{@code linear} ({@code get_linear_schedule_with_warmup}): {@code s/max(1, w)} while
 *       {@code s < w}, then {@code max(0, (n − s)/max(1, n − w))};</li>
 *   <li>{@code cosine} ({@code get_cosine_schedule_with_warmup}, 0.5 cycles): the same warm-up,
 *       then {@code max(0, 0.5·(1 + cos(π·0.5·2·p)))} with {@code p = (s − w)/max(1, n − w)};</li>
 *   <li>{@code constant_with_warmup}: the same warm-up, then 1;</li>
 *   <li>{@code constant}: 1 (no warm-up).</li>
 * </ul>
 * w = warm-up steps, n = total training steps. A warm-up ratio becomes
 * {@code ceil(ratio · n)} steps ({@code TrainingArguments.get_warmup_steps}).
 *
 * <p>The object also counts steps for a training loop ({@link #currentLr()}, {@link #advance()});
 * that counter is its whole state in a checkpoint ({@link #stepCount()}, {@link #setStepCount}).
 */
public final class LrSchedule {

    /** Hugging Face's {@code lr_scheduler_type} values supported here. */
    public enum Kind {
        LINEAR("linear"), COSINE("cosine"), CONSTANT("constant"), CONSTANT_WITH_WARMUP("constant_with_warmup");

        private final String hfName;

        Kind(String hfName) {
            this.hfName = hfName;
        }

        public String hfName() {
            return hfName;
        }

        /** Parses an HF {@code lr_scheduler_type} (case-insensitive); unknown names raise. */
        public static Kind fromHf(String name) {
            for (Kind k : values()) {
                if (k.hfName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("lr_scheduler_type: expected one of linear, cosine, constant, "
                    + "constant_with_warmup, found " + (name == null ? "null" : "\"" + name + "\""));
        }
    }

    private final Kind kind;
    private final double baseLr;
    private final long warmupSteps;
    private final long totalSteps;
    private long step;

    /**
     * @param baseLr      the peak learning rate
     * @param warmupSteps warm-up steps (ignored by {@link Kind#CONSTANT})
     * @param totalSteps  total optimizer steps of the run
     */
    public LrSchedule(Kind kind, double baseLr, long warmupSteps, long totalSteps) {
        if (kind == null) {
            throw new IllegalArgumentException("schedule kind must not be null");
        }
        if (!(baseLr >= 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, found " + baseLr);
        }
        if (warmupSteps < 0 || totalSteps < 0) {
            throw new IllegalArgumentException("warm-up and total steps must be non-negative, found " + warmupSteps
                    + " and " + totalSteps);
        }
        this.kind = kind;
        this.baseLr = baseLr;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /** A schedule whose warm-up is given as HF's {@code warmup_ratio}: {@code ceil(ratio · totalSteps)} steps. */
    public static LrSchedule withWarmupRatio(Kind kind, double baseLr, double warmupRatio, long totalSteps) {
        return new LrSchedule(kind, baseLr, warmupStepsFromRatio(warmupRatio, totalSteps), totalSteps);
    }

    /** HF's {@code math.ceil(num_training_steps * warmup_ratio)}; the ratio must lie in [0, 1]. */
    public static long warmupStepsFromRatio(double warmupRatio, long totalSteps) {
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new IllegalArgumentException("warmup_ratio must lie in [0, 1], found " + warmupRatio);
        }
        return (long) Math.ceil((double) totalSteps * warmupRatio);
    }

    public Kind kind() {
        return kind;
    }

    public double baseLr() {
        return baseLr;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    public long totalSteps() {
        return totalSteps;
    }

    /** The multiplier of the base learning rate at step {@code s} (HF's {@code lr_lambda}). */
    public double factor(long s) {
        if (kind == Kind.CONSTANT) {
            return 1.0;
        }
        if (s < warmupSteps) {
            return (double) s / (double) Math.max(1, warmupSteps);
        }
        return switch (kind) {
            case LINEAR -> Math.max(0.0, (double) (totalSteps - s) / (double) Math.max(1, totalSteps - warmupSteps));
            case COSINE -> {
                double progress = (double) (s - warmupSteps) / (double) Math.max(1, totalSteps - warmupSteps);
                yield Math.max(0.0, 0.5 * (1.0 + StrictMath.cos(Math.PI * 0.5 * 2.0 * progress)));
            }
            case CONSTANT_WITH_WARMUP, CONSTANT -> 1.0;
        };
    }

    /** The learning rate used by step {@code s} (0-based): {@code baseLr · factor(s)}. */
    public double lr(long s) {
        if (s < 0) {
            throw new IllegalArgumentException("step must be non-negative, found " + s);
        }
        return baseLr * factor(s);
    }

    /** The learning rate for the current step (HF's {@code scheduler.get_last_lr()}). */
    public double currentLr() {
        return lr(step);
    }

    /** Moves to the next step (HF's {@code scheduler.step()}). */
    public void advance() {
        step++;
    }

    /** Steps taken so far: the schedule's checkpoint state. */
    public long stepCount() {
        return step;
    }

    /** Restores the step counter from a checkpoint. */
    public void setStepCount(long stepCount) {
        if (stepCount < 0) {
            throw new IllegalArgumentException("step count must be non-negative, found " + stepCount);
        }
        this.step = stepCount;
    }
}
