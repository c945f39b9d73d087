package dev.jbert.engine.backend;

import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.train.AdamW;

/**
 * A whole {@link SequenceClassifier} kept on an accelerator: its weights, gradients, AdamW
 * moments and activations live in device memory allocated once (sized for the largest batch),
 * and only batches go in and logits, losses and norms come out. A backend that has one offers
 * it through {@link Backend#deviceModel}; the CPU backend runs the layers directly instead.
 *
 * <p>The host model stays the source of truth for checkpoints: {@link #copyParametersToHost}
 * writes the device weights back into the host {@link SequenceClassifier}'s parameters, and
 * {@link #copyOptimizerStateToHost} the moments into the host {@link AdamW} (whose
 * {@code stateTensors()} are then saved as usual). Semantics follow the CPU path step for step:
 * {@link #forward} and {@link #backward} as {@code SequenceClassifier.forward/backward} (dropout
 * masks from {@code ctx.seed()}, {@code ctx.counter()} exactly as the CPU draws them; gradients
 * accumulate), {@link #clipGradNorm} as {@code GradClip.clipGradNorm}, {@link #adamwStep} as
 * {@code AdamW.step}.
 */
public interface DeviceModel extends AutoCloseable {
    /** The batch size and sequence length this model's device memory was sized for. */
    int maxBatch();

    int maxSeqLen();

    /**
     * Logits [B, L] of the batch, copied to the host. In training mode ({@code ctx.training()}
     * with {@code ctx.keepForBackward()}) the activations the backward pass needs stay on the device.
     */
    float[] forward(RunContext ctx, ModelInput input);

    /** Backward from dLoss/dlogits [B, L] of the last forward; parameter gradients accumulate. */
    void backward(RunContext ctx, float[] dLogits);

    /** Clips the global gradient norm to maxNorm (not when maxNorm is not finite positive); returns the norm before. */
    float clipGradNorm(double maxNorm);

    /**
     * One AdamW step at learning rate lr with the hyper-parameters of {@code optimizer} (betas,
     * eps, weight decay, decay groups); advances {@code optimizer}'s step count as {@code step} does.
     */
    void adamwStep(AdamW optimizer, double lr);

    /** Sets every parameter gradient to zero. */
    void zeroGrad();

    /** Writes the device weights into the host model's parameters. */
    void copyParametersToHost();

    /** Writes the host model's parameters to the device (after the host weights changed). */
    void copyParametersToDevice();

    /** Writes the device AdamW moments into {@code optimizer}'s state (for a checkpoint). */
    void copyOptimizerStateToHost(AdamW optimizer);

    /** Loads {@code optimizer}'s moments onto the device (when resuming). */
    void copyOptimizerStateToDevice(AdamW optimizer);

    /** A line for logs: the device, precision and memory used. */
    String description();

    /** Frees the device memory. Idempotent. */
    @Override
    void close();
}
