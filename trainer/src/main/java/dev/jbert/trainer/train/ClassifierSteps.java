package dev.jbert.trainer.train;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.train.AdamW;
import dev.jbert.trainer.data.DataSet;

/**
 * Where a classifier's steps run — forward to logits, backward from dLoss/dlogits, the global
 * gradient-norm clip, the AdamW update, zeroing the gradients: on the host, by the engine's layers
 * over the backend's operations ({@link HostSteps}), or on an accelerator holding a whole copy of the
 * model ({@link DeviceSteps}, when the backend offers a {@link dev.jbert.engine.backend.DeviceModel}).
 * The training loop, the evaluator and the predictor are written once against this.
 *
 * <p>The host {@link SequenceClassifier} stays the source of truth for files: {@link #toHost} before
 * writing a checkpoint or the final model, {@link #fromHost} after its weights (or the optimizer's
 * moments) were read from one.
 */
public interface ClassifierSteps extends AutoCloseable {
    /**
     * The steps of {@code model} on {@code backend}: a device-resident copy sized for batches of up to
     * {@code maxBatch} rows of {@code maxSeqLen} tokens when the backend has one, else the host's layers.
     */
    static ClassifierSteps open(SequenceClassifier model, Backend backend, int maxBatch, int maxSeqLen) {
        return backend.deviceModel(model, maxBatch, maxSeqLen)
                .<ClassifierSteps>map(dm -> new DeviceSteps(model, dm))
                .orElseGet(() -> new HostSteps(model));
    }

    /** The steps of {@code model} by its own layers, on whatever backend each call's context names. */
    static ClassifierSteps onHost(SequenceClassifier model) {
        return new HostSteps(model);
    }

    /** Tokens in the longest row of these data sets (nulls skipped); at least 1. */
    static int longestRow(DataSet... sets) {
        int max = 1;
        for (DataSet set : sets) {
            if (set != null) {
                for (int i = 0; i < set.size(); i++) {
                    max = Math.max(max, set.length(i));
                }
            }
        }
        return max;
    }

    /** The host model these steps work on. */
    SequenceClassifier model();

    /** Logits [B, L] of a batch (the array may be longer; rows beyond B are not part of it). */
    float[] forward(RunContext ctx, ModelInput input);

    /** Backward from dLoss/dlogits [B, L] of the last forward; parameter gradients accumulate. */
    void backward(RunContext ctx, float[] dLogits);

    /** Clips the global gradient norm to maxNorm (as {@code GradClip}); returns the norm before clipping. */
    float clipGradNorm(double maxNorm);

    /** One AdamW update at learning rate lr (advances {@code adam}'s step count). */
    void step(AdamW adam, double lr);

    /** Sets the gradients of {@code adam}'s parameters to zero. */
    void zeroGrad(AdamW adam);

    /** Makes the host model's weights, and {@code adam}'s moments unless null, current. */
    void toHost(AdamW adam);

    /** Takes up the host model's weights, and {@code adam}'s moments unless null, after they changed. */
    void fromHost(AdamW adam);

    /** Where the steps run, for the log: null for the host's layers. */
    String description();

    @Override
    void close();
}
