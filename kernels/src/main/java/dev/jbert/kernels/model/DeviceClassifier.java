package dev.jbert.kernels.model;

import dev.jbert.engine.backend.BackendUnavailableException;
import dev.jbert.engine.backend.DeviceModel;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.train.AdamW;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.device.DeviceOutOfMemoryException;
import dev.jbert.kernels.ops.AdamWScalars;
import dev.jbert.kernels.ops.GpuKernels;
import dev.jbert.kernels.ops.OptimizerLayout;
import dev.jbert.kernels.ops.Precision;
import java.util.Locale;
import java.util.Map;

/**
 * A BERT or DistilBERT sequence classifier living on a {@link Device}: weights, gradients, AdamW
 * moments and every activation of a batch of up to maxBatch × maxSeqLen tokens in one block of
 * device memory allocated at {@link #create}, the forward and backward passes, gradient clipping
 * and AdamW run by our kernels. Per step only the batch goes in (ids, token types, attention
 * mask), the logits come out, dLoss/dlogits goes in, and the gradient norm comes out.
 *
 * <p>It follows the CPU {@link SequenceClassifier} step for step ({@link ClassifierPass}): the
 * same dropout masks from the same (seed, counter), gradients that accumulate, clipping as
 * {@code GradClip}, the update as {@code AdamW.step}. The attention kernels need a head size of
 * 16, 32 or 64 (the tiny golden models; MiniLM, BERT, DistilBERT); other models are refused with a
 * {@link BackendUnavailableException}.
 */
public final class DeviceClassifier implements DeviceModel {
    private final Device device;
    private final GpuKernels kernels;
    private final Precision precision;
    private final SequenceClassifier model;
    private final int maxBatch;
    private final int maxSeqLen;
    private final long arena;
    private final long arenaBytes;
    private final DeviceParameters params;
    private final OptimizerLayout.OnDevice layout;
    private final ActivationBuffers buf;
    private final BatchUpload batch;
    private final ClassifierPass pass;
    private boolean closed;
    private int lastBatch;

    private DeviceClassifier(Device device, GpuKernels kernels, Precision precision, SequenceClassifier model,
                             int maxBatch, int maxSeqLen, long arena, long arenaBytes, DeviceParameters params,
                             OptimizerLayout.OnDevice layout, ActivationBuffers buf) {
        this.device = device;
        this.kernels = kernels;
        this.precision = precision;
        this.model = model;
        this.maxBatch = maxBatch;
        this.maxSeqLen = maxSeqLen;
        this.arena = arena;
        this.arenaBytes = arenaBytes;
        this.params = params;
        this.layout = layout;
        this.buf = buf;
        ModelConfig cfg = model.config();
        ClassifierParts parts = ClassifierParts.of(model);
        this.batch = new BatchUpload(maxBatch, maxSeqLen, cfg.vocabSize(), cfg.maxPositionEmbeddings(),
                parts.tokenType() == null ? 0 : cfg.typeVocabSize());
        this.pass = new ClassifierPass(device, kernels, precision, cfg, params, parts, buf);
    }

    /**
     * Puts {@code model} (its current weights) on {@code device} for batches of up to maxBatch ×
     * maxSeqLen tokens, with zero gradients and zero AdamW moments.
     *
     * @throws BackendUnavailableException when the head size is not 16, 32 or 64, or when the model
     *                                     does not fit in the device's free memory
     * @throws IllegalArgumentException    when maxBatch or maxSeqLen is not positive or too large
     */
    public static DeviceClassifier create(Device device, GpuKernels kernels, Precision precision,
                                          SequenceClassifier model, int maxBatch, int maxSeqLen) {
        ModelConfig cfg = model.config();
        int d = cfg.headSize();
        if (d != 16 && d != 32 && d != 64) {
            throw new BackendUnavailableException("the CUDA attention kernels support head sizes 16, 32 and 64, but "
                    + "this model has " + cfg.numHeads() + " heads of size " + d + " (hidden size " + cfg.hiddenSize()
                    + ")");
        }
        if (maxBatch < 1 || maxSeqLen < 1) {
            throw new IllegalArgumentException("a device model needs a positive batch size and sequence length, got "
                    + maxBatch + " × " + maxSeqLen);
        }
        long rows = (long) maxBatch * maxSeqLen;
        long widest = Math.max(cfg.hiddenSize(), cfg.intermediateSize());
        if (rows * widest > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batches of " + maxBatch + " × " + maxSeqLen + " tokens are too large "
                    + "for the kernels' 32-bit element counts with this model; use a smaller batch size or length");
        }
        // size the arena with a measuring pass, then lay it out for real in one allocation
        DeviceArena measure = DeviceArena.measuring();
        DeviceParameters sizing = new DeviceParameters(device, model.parameters(), measure);
        new ActivationBuffers(measure, maxBatch, maxSeqLen, cfg.hiddenSize(), cfg.intermediateSize(), cfg.numHeads(),
                model.numLabels(), cfg.numLayers(), cfg.modelType() == ModelType.BERT
                        ? cfg.typeVocabSize() : 0, sizing.layout());
        long bytes = measure.used();
        long base;
        try {
            base = device.alloc(bytes);
        } catch (DeviceOutOfMemoryException e) {
            throw new BackendUnavailableException(String.format(Locale.ROOT,
                    "the model needs %s of device memory for batches of %d × %d tokens (weights, gradients and AdamW "
                            + "moments %s, activations and workspace %s) but %s has %s free; try a smaller "
                            + "--batch-size or --max-length",
                    mib(bytes), maxBatch, maxSeqLen, mib(measure.stateBytes()), mib(bytes - measure.stateBytes()),
                    device.description(), mib(device.freeMemory())), e);
        }
        OptimizerLayout.OnDevice layout = null;
        try {
            device.zero(base, bytes); // layout padding must be zero in all four optimizer buffers
            DeviceArena real = DeviceArena.over(base);
            DeviceParameters params = new DeviceParameters(device, model.parameters(), real);
            ActivationBuffers buf = new ActivationBuffers(real, maxBatch, maxSeqLen, cfg.hiddenSize(),
                    cfg.intermediateSize(), cfg.numHeads(), model.numLabels(), cfg.numLayers(),
                    cfg.modelType() == ModelType.BERT ? cfg.typeVocabSize() : 0,
                    params.layout());
            layout = params.layout().upload(device);
            params.toDevice();
            return new DeviceClassifier(device, kernels, precision, model, maxBatch, maxSeqLen, base, bytes, params,
                    layout, buf);
        } catch (RuntimeException e) {
            if (layout != null) {
                layout.close();
            }
            device.free(base);
            if (e instanceof DeviceOutOfMemoryException) {
                throw new BackendUnavailableException("the model's " + mib(bytes) + " of device memory fit, but not "
                        + "the optimizer's chunk tables after them on " + device.description() + "; try a smaller "
                        + "--batch-size or --max-length", e);
            }
            throw e;
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public int maxSeqLen() {
        return maxSeqLen;
    }

    /** The precision of the linear layers' products (and of the attention's under bf16; tf32 keeps float32 attention). */
    public Precision precision() {
        return precision;
    }

    /** Bytes of device memory this model holds (its arena; the optimizer's small chunk tables aside). */
    public long deviceBytes() {
        return arenaBytes;
    }

    @Override
    public float[] forward(RunContext ctx, ModelInput input) {
        checkOpen();
        boolean types = batch.upload(device, input, buf);
        pass.forward(input.batch(), input.seqLen(), types, ctx.training(), ctx.seed(), ctx.counter());
        lastBatch = input.batch();
        float[] logits = new float[input.batch() * model.numLabels()];
        device.toHost(buf.logits, logits, 0, logits.length);
        return logits;
    }

    @Override
    public void backward(RunContext ctx, float[] dLogits) {
        checkOpen();
        int n = lastBatch * model.numLabels();
        if (lastBatch == 0) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        if (dLogits.length < n) {
            throw new IllegalArgumentException("dLogits has " + dLogits.length + " values, expected " + n
                    + " for the last batch of " + lastBatch + " rows × " + model.numLabels() + " labels");
        }
        device.toDevice(buf.dLogits, dLogits, 0, n);
        pass.backward();
    }

    @Override
    public float clipGradNorm(double maxNorm) {
        checkOpen();
        kernels.gradNorm(layout, params.grads, buf.normPartial, maxNorm, buf.normAndCoef);
        if (maxNorm > 0 && !Double.isInfinite(maxNorm)) {
            kernels.gradClipScale(layout, params.grads, buf.normAndCoef + 4);
        }
        float[] norm = new float[1];
        device.toHost(buf.normAndCoef, norm, 0, 1);
        return norm[0];
    }

    @Override
    public void adamwStep(AdamW optimizer, double lr) {
        checkOpen();
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("AdamW learning rate must be finite and non-negative, found " + lr);
        }
        params.checkOptimizer(optimizer);
        AdamWScalars s = AdamWScalars.of(lr, optimizer.beta1(), optimizer.beta2(), optimizer.eps(),
                optimizer.weightDecay(), optimizer.stepCount() + 1);
        kernels.adamwStep(layout, params.weights, params.grads, params.expAvg, params.expAvgSq, s, 0);
        optimizer.advanceStepCount();
    }

    @Override
    public void zeroGrad() {
        checkOpen();
        params.zeroGrads();
    }

    @Override
    public void copyParametersToHost() {
        checkOpen();
        params.toHost();
    }

    @Override
    public void copyParametersToDevice() {
        checkOpen();
        params.toDevice();
    }

    @Override
    public void copyOptimizerStateToHost(AdamW optimizer) {
        checkOpen();
        params.optimizerStateToHost(optimizer);
    }

    @Override
    public void copyOptimizerStateToDevice(AdamW optimizer) {
        checkOpen();
        params.optimizerStateToDevice(optimizer);
    }

    /** The device gradient of every trainable parameter by name (a copy; for tests and inspection). */
    public Map<String, float[]> gradientsToHost() {
        checkOpen();
        return params.gradsToHost();
    }

    @Override
    public String description() {
        ModelConfig cfg = model.config();
        return String.format(Locale.ROOT, "%s, %.1f M parameters, %d layers, on %s, precision %s, %s of device "
                        + "memory for batches of up to %d × %d tokens",
                cfg.modelType() == ModelType.BERT ? "BERT" : "DistilBERT",
                params.count() / 1e6, cfg.numLayers(), device.description(),
                precision.name().toLowerCase(Locale.ROOT), mib(arenaBytes), maxBatch, maxSeqLen);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        layout.close();
        device.free(arena);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this device model is closed");
        }
    }
}
