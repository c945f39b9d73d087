package dev.jbert.trainer.train;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.cli.UserException;
import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.AdamW;
import dev.jbert.engine.train.Loss;
import dev.jbert.engine.train.LrSchedule;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.data.Batch;
import dev.jbert.trainer.data.BatchIterator;
import dev.jbert.trainer.data.Batcher;
import dev.jbert.trainer.data.DataPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop, in Hugging Face {@code Trainer._inner_training_loop}'s order, so that with
 * dropout off and no shuffling a run reproduces HF's numbers. Per optimizer step:
 * <ol>
 *   <li>{@code lr = scheduler.get_last_lr()};</li>
 *   <li>for each of its micro-batches ({@code gradient_accumulation_steps}, or what is left of the
 *       epoch): forward in training mode, the loss with its gradient scaled by 1/micro-batches,
 *       backward (gradients accumulate); the dropout counter advances once per forward;</li>
 *   <li>clip the global gradient norm (the norm before clipping is logged);</li>
 *   <li>AdamW step with {@code lr}; scheduler step; zero the gradients;</li>
 *   <li>{@code on_step_end}: log every {@code logging_steps}, evaluate every {@code eval_steps},
 *       save every {@code save_steps} and at the last step; then log, evaluate (early stopping, best
 *       metric) and save, in that order.</li>
 * </ol>
 * At the end of every epoch (also one cut short by {@code max_steps}) the epoch strategies apply.
 * A checkpoint holds everything the loop depends on, so a resumed run continues bit for bit.
 *
 * <p>The steps run where {@link ClassifierSteps} puts them: by the engine's layers on the host, or on
 * a device-resident copy of the model when the backend has one (sized for {@code --batch-size} rows
 * of the longest training or validation row). The loss is computed on the host either way. Before a
 * checkpoint is written the device's weights and moments are copied to the host; on resume the
 * restored host state is copied to the device. {@link #close} frees the device copy.
 */
public final class Trainer implements AutoCloseable {

    /**
     * What the loop works with.
     *
     * @param model              the classifier being trained
     * @param saveConfig         the config written with every checkpoint (labels, architecture)
     * @param tokenizer          written with every checkpoint
     * @param train              the training batches
     * @param evaluator          the validation set, or null
     * @param loss               the training loss
     * @param backend            where to compute
     * @param args               the hyper-parameters
     * @param plan               the step arithmetic
     * @param store              the output folder's checkpoints
     * @param progress           the display
     * @param resume             the checkpoint to continue from, or null
     * @param interruptAfterStep test hook: stop as if killed once this many steps are done (-1: never)
     */
    public record Setup(SequenceClassifier model, ModelConfig saveConfig, BertTokenizer tokenizer, Batcher train,
                        Evaluator evaluator, Loss loss, Backend backend, TrainingArguments args, TrainingPlan plan,
                        CheckpointStore store, Progress progress, TrainingCheckpoint.Loaded resume,
                        int interruptAfterStep) {
    }

    /**
     * How the loop ended.
     *
     * @param state         the trainer state at the end
     * @param interrupted   stopped by the test hook (no final output should be written)
     * @param seconds       wall time of this run's loop
     * @param samples       training rows processed by this run
     * @param steps         optimizer steps done by this run
     */
    public record Outcome(TrainerState state, boolean interrupted, double seconds, long samples, int steps) {
    }

    private static final java.util.Set<String> HEADLINE = java.util.Set.of("eval_loss", "eval_accuracy",
            "eval_f1_macro", "eval_roc_auc", "eval_subset_accuracy", "eval_hamming_loss", "eval_mse", "eval_pearson");

    private final Setup s;
    private final AdamW adam;
    private final LrSchedule schedule;
    private final RunContext ctx;
    private final TrainerState state;
    private final TrainingLog log;
    private final BestMetric best;
    private final EarlyStopping earlyStopping;
    private final ClassifierSteps steps;
    private DataPosition position = DataPosition.start();
    private double windowLoss;
    private int windowSteps;
    private float lastNorm;
    private double lastLr;
    private int lastLoggedStep;
    private int lastSavedStep = -1;

    public Trainer(Setup setup) {
        this.s = setup;
        TrainingArguments a = setup.args();
        List<Parameter> params = setup.model().parameters();
        this.adam = new AdamW(params, a.weightDecay(), a.adamBeta1(), a.adamBeta2(), a.adamEpsilon());
        this.schedule = setup.plan().schedule(a);
        this.ctx = new RunContext(setup.backend()).training(true).keepForBackward(true).seed(a.seed()).counter(0);
        this.log = new TrainingLog(setup.store().outputDir(), 5);
        this.best = a.tracksBestMetric() ? new BestMetric(a.metricForBestModel(), a.greaterIsBetter()) : null;
        this.earlyStopping = a.earlyStoppingPatience() > 0
                ? new EarlyStopping(best, a.earlyStoppingPatience(), a.earlyStoppingThreshold()) : null;
        this.state = setup.resume() != null ? restore(setup.resume()) : new TrainerState();
        TrainingPlan p = setup.plan();
        state.maxSteps = p.maxSteps();
        state.numTrainEpochs = p.numTrainEpochs();
        state.loggingSteps = p.loggingSteps();
        state.evalSteps = p.evalSteps();
        state.saveSteps = p.saveSteps();
        state.trainBatchSize = a.batchSize();
        state.earlyStoppingPatience = a.earlyStoppingPatience();
        state.earlyStoppingThreshold = a.earlyStoppingThreshold();
        this.lastLoggedStep = state.globalStep;
        int longest = ClassifierSteps.longestRow(setup.train().data());
        if (setup.evaluator() != null) {
            longest = Math.max(longest, setup.evaluator().longestRow());
        }
        this.steps = ClassifierSteps.open(setup.model(), setup.backend(), a.batchSize(), longest);
        if (steps.description() != null) {
            setup.progress().message("device: " + steps.description());
        }
        if (setup.resume() != null) {
            try {
                steps.fromHost(adam);
            } catch (RuntimeException e) {
                steps.close();
                throw e;
            }
        }
    }

    private TrainerState restore(TrainingCheckpoint.Loaded r) {
        TrainingCheckpoint.Counters c = r.counters();
        int rows = s.train().data().size();
        if (c.batchesPerEpoch() != s.plan().batchesPerEpoch() || c.trainRows() != rows) {
            throw new UserException(r.folder() + " was saved by a run with " + c.trainRows() + " training rows in "
                    + c.batchesPerEpoch() + " batches per epoch; this run has " + rows + " rows in "
                    + s.plan().batchesPerEpoch() + ": resume with the same data, batch size and options");
        }
        if (c.dataSeed() != s.args().dataSeed() || c.dropoutSeed() != s.args().seed()) {
            throw new UserException(r.folder() + " was saved by a run with --seed " + c.dropoutSeed()
                    + " and --data-seed " + c.dataSeed() + ": resume with the same seeds");
        }
        try {
            adam.loadState(r.optimizerState(), c.optimizerSteps());
        } catch (IllegalArgumentException e) {
            throw new UserException(r.folder().resolve(TrainingCheckpoint.OPTIMIZER) + ": " + e.getMessage(), e);
        }
        schedule.setStepCount(c.schedulerSteps());
        ctx.counter(c.dropoutCounter());
        position = c.position();
        lastSavedStep = r.state().globalStep;
        return r.state();
    }

    public TrainerState state() {
        return state;
    }

    /** Runs the loop to {@code max_steps}, early stopping, or the test hook. */
    public Outcome train() throws IOException {
        TrainingArguments a = s.args();
        TrainingPlan p = s.plan();
        int ga = a.gradientAccumulationSteps();
        int startStep = state.globalStep;
        long start = System.nanoTime();
        long samples = 0;
        s.progress().start(startStep, p.maxSteps(), p.numTrainEpochs());
        boolean stop = state.globalStep >= p.maxSteps();
        while (!stop && position.epoch() < p.numTrainEpochs()) {
            int epoch = position.epoch();
            BatchIterator it = s.train().iterator(position);
            while (it.hasNext() && !stop) {
                if (state.globalStep == s.interruptAfterStep()) {
                    return new Outcome(state, true, seconds(start), samples, state.globalStep - startStep);
                }
                int first = it.position().batch();
                int n = p.microBatches(first, ga);
                double lr = schedule.currentLr();
                double stepLoss = 0;
                int lastIndex = first;
                for (int k = 0; k < n; k++) {
                    Batch b = it.next();
                    stepLoss += microStep(b, n) / n;
                    lastIndex = b.position().batch();
                    samples += b.size();
                    state.samplesSeen += b.size();
                }
                float norm = steps.clipGradNorm(a.maxGradNorm());
                steps.step(adam, lr);
                schedule.advance();
                steps.zeroGrad(adam);
                state.globalStep++;
                state.epoch = epoch + (lastIndex + 1) / (double) p.batchesPerEpoch();
                state.totalLoss += stepLoss;
                windowLoss += stepLoss;
                windowSteps++;
                lastNorm = norm;
                lastLr = lr;
                position = it.position();

                int g = state.globalStep;
                boolean doLog = (g == 1 && a.loggingFirstStep())
                        || (a.loggingStrategy() == IntervalStrategy.STEPS && g % p.loggingSteps() == 0);
                boolean doEval = a.evalStrategy() == IntervalStrategy.STEPS && g % p.evalSteps() == 0;
                boolean doSave = a.saveStrategy() == IntervalStrategy.STEPS && g % p.saveSteps() == 0;
                if (g >= p.maxSteps()) {
                    stop = true;
                    doSave |= a.saveStrategy() == IntervalStrategy.STEPS;
                }
                double elapsed = seconds(start);
                int done = g - startStep;
                s.progress().step(new StepReport(g, p.maxSteps(), state.epoch, p.numTrainEpochs(), stepLoss, lr,
                        elapsed > 0 ? samples / elapsed : 0, (p.maxSteps() - g) * elapsed / done,
                        doLog && g > lastLoggedStep));
                stop |= logEvaluateSave(doLog, doEval, doSave);
            }
            stop |= logEvaluateSave(a.loggingStrategy() == IntervalStrategy.EPOCH,
                    a.evalStrategy() == IntervalStrategy.EPOCH, a.saveStrategy() == IntervalStrategy.EPOCH);
            if (!it.hasNext()) {
                position = it.position();
            }
        }
        log.write(state.logHistory);
        steps.toHost(null);
        return new Outcome(state, false, seconds(start), samples, state.globalStep - startStep);
    }

    /** Scores the current model on the validation set (the trainer's evaluator). */
    public EvalResult evaluate() {
        return s.evaluator().evaluate(steps);
    }

    /** Replaces the model's weights by those of a {@code model.safetensors} (load_best_model_at_end). */
    public void loadWeights(Path weights) {
        ModelWriter.readWeights(weights, s.model().parameters());
        steps.fromHost(null);
    }

    /** Frees the device copy of the model, if any. */
    @Override
    public void close() {
        steps.close();
    }

    /** Forward, loss (gradient scaled by 1/n), backward of one micro-batch; returns its mean loss. */
    private double microStep(Batch b, int n) {
        float[] logits = steps.forward(ctx, b.input());
        int rows = b.size();
        int l = s.model().numLabels();
        Tensor lt = new Tensor(Arrays.copyOf(logits, rows * l), rows, l);
        Tensor dl = Tensor.zerosLike(lt);
        float value = s.loss().forward(lt, b.labels(), dl, 1.0 / n);
        steps.backward(ctx, dl.data());
        ctx.counter(ctx.counter() + 1);
        return value;
    }

    /** HF's {@code _maybe_log_save_evaluate}: log, then evaluate, then save. True: stop early. */
    private boolean logEvaluateSave(boolean doLog, boolean doEval, boolean doSave) throws IOException {
        if (doLog && state.globalStep > lastLoggedStep) {
            ObjectNode e = JsonNodeFactory.instance.objectNode();
            e.put("loss", windowLoss / windowSteps);
            e.put("grad_norm", (double) lastNorm);
            e.put("learning_rate", lastLr);
            e.put("epoch", state.epoch);
            e.put("step", state.globalStep);
            state.logHistory.add(e);
            windowLoss = 0;
            windowSteps = 0;
            lastLoggedStep = state.globalStep;
            log.maybeWrite(state.logHistory);
        }
        boolean stopNow = false;
        if (doEval && s.evaluator() != null) {
            EvalResult r = evaluate();
            Map<String, Number> logs = r.logEntries();
            state.logHistory.add(entry(logs));
            s.progress().message(describe(logs));
            if (earlyStopping != null) {
                stopNow = earlyStopping.onEvaluate(state, logs);
                if (stopNow) {
                    s.progress().message("early stopping: no improvement of " + best.key() + " in "
                            + state.earlyStoppingPatienceCounter + " evaluations");
                }
            }
            if (best != null) {
                best.update(state, logs, s.args().saveStrategy() != IntervalStrategy.NO);
            }
            log.write(state.logHistory);
        }
        if (doSave && state.globalStep != lastSavedStep) {
            save();
        }
        return stopNow;
    }

    /** An evaluation's log entry: the metrics, then {@code epoch} and {@code step}. */
    ObjectNode entry(Map<String, Number> logs) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        logs.forEach((k, v) -> {
            if (v instanceof Long l) {
                e.put(k, l);
            } else {
                e.put(k, v.doubleValue());
            }
        });
        e.put("epoch", state.epoch);
        e.put("step", state.globalStep);
        return e;
    }

    /** The headline numbers of an evaluation: the loss, the usual metrics of its kind, and the tracked one. */
    private String describe(Map<String, Number> logs) {
        StringBuilder sb = new StringBuilder("eval at step ").append(state.globalStep).append(':');
        for (Map.Entry<String, Number> e : logs.entrySet()) {
            String k = e.getKey();
            if (HEADLINE.contains(k) || (best != null && k.equals(best.key()))) {
                sb.append(' ').append(k.substring("eval_".length())).append(' ')
                        .append(String.format(java.util.Locale.ROOT, "%.4f", e.getValue().doubleValue()));
            }
        }
        return sb.toString();
    }

    private void save() throws IOException {
        int step = state.globalStep;
        CheckpointStore store = s.store();
        if (best != null && state.bestGlobalStep > 0) {
            Path bestDir = store.folder(state.bestGlobalStep);
            if (state.bestGlobalStep == step || Files.isDirectory(bestDir)) {
                state.bestModelCheckpoint = bestDir.toString();
            }
        }
        steps.toHost(adam);
        TrainingCheckpoint.Counters c = new TrainingCheckpoint.Counters(adam.stepCount(), schedule.stepCount(),
                ctx.seed(), ctx.counter(), s.args().dataSeed(), position, s.plan().batchesPerEpoch(),
                s.train().data().size());
        Map<String, Tensor> optimizer = new LinkedHashMap<>(adam.stateTensors());
        Path dir = store.save(step, tmp -> {
            ModelWriter.write(tmp, s.model(), s.saveConfig(), s.tokenizer());
            TrainingCheckpoint.write(tmp, optimizer, c, s.args(), state);
        });
        lastSavedStep = step;
        List<Path> deleted = store.rotate(s.args().saveTotalLimit(),
                state.bestModelCheckpoint == null ? null : Path.of(state.bestModelCheckpoint));
        s.progress().message("saved " + dir.getFileName()
                + (deleted.isEmpty() ? "" : " (deleted " + deleted.stream().map(d -> d.getFileName().toString()).toList() + ")"));
        log.write(state.logHistory);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
