package dev.jbert.trainer.train;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.Loss;
import dev.jbert.trainer.data.Batch;
import dev.jbert.trainer.data.BatchIterator;
import dev.jbert.trainer.data.Batcher;
import dev.jbert.trainer.data.LabelSet;
import java.util.Arrays;
import java.util.Map;

/**
 * Runs a model over a labelled data set in evaluation mode (no dropout, nothing kept for backward),
 * batch by batch in data order, and scores it: {@code eval_loss} as Hugging Face's evaluation loop
 * (each batch's mean loss, weighted by its rows) and the metrics of the problem type.
 */
public final class Evaluator {
    private final Batcher batcher;
    private final Loss loss;
    private final LabelSet labels;
    private final double threshold;
    private final RunContext ctx;

    /**
     * @param batcher   the evaluation data, batched in data order (no shuffle)
     * @param loss      the training loss (the same weights, if any)
     * @param threshold the multi-label decision threshold
     */
    public Evaluator(Batcher batcher, Loss loss, LabelSet labels, double threshold, Backend backend) {
        if (!batcher.data().labelled()) {
            throw new IllegalArgumentException(batcher.data().source() + ": evaluation needs labels");
        }
        this.batcher = batcher;
        this.loss = loss;
        this.labels = labels;
        this.threshold = threshold;
        this.ctx = new RunContext(backend).training(false).keepForBackward(false);
    }

    public int rows() {
        return batcher.data().size();
    }

    /** Tokens in the longest row of the evaluation data (what a device copy of the model must hold). */
    public int longestRow() {
        return ClassifierSteps.longestRow(batcher.data());
    }

    /** Scores {@code model} by its own layers on this evaluator's backend. */
    public EvalResult evaluate(SequenceClassifier model) {
        return evaluate(ClassifierSteps.onHost(model));
    }

    /** Scores the model of {@code steps}, with its forward passes wherever those run. */
    public EvalResult evaluate(ClassifierSteps steps) {
        long start = System.nanoTime();
        int n = batcher.data().size();
        int l = steps.model().numLabels();
        float[][] logits = new float[n][];
        double weightedLoss = 0;
        int batches = 0;
        BatchIterator it = batcher.epoch(0);
        while (it.hasNext()) {
            Batch b = it.next();
            float[] out = steps.forward(ctx, b.input());
            int rows = b.size();
            Tensor lt = new Tensor(Arrays.copyOf(out, rows * l), rows, l);
            weightedLoss += (double) loss.forward(lt, b.labels(), null) * rows;
            for (int i = 0; i < rows; i++) {
                logits[b.rows()[i]] = Arrays.copyOfRange(out, i * l, (i + 1) * l);
            }
            batches++;
        }
        Map<String, Object> metrics = EvalMetrics.fromLogits(labels.problemType(), batcher.data().labels(), logits,
                threshold, labels.names());
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EvalResult(weightedLoss / n, metrics, n, batches, seconds, logits, batcher.data().labels());
    }
}
