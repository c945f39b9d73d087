package dev.jbert.kernels;

import dev.jbert.engine.backend.BackendUnavailableException;
import dev.jbert.engine.backend.DeviceModel;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.train.AdamW;
import dev.jbert.kernels.device.DeviceOutOfMemoryException;
import java.util.function.Supplier;

/**
 * The {@link DeviceModel} that {@link CudaBackend#deviceModel} hands out: the device-resident
 * classifier behind a guard that turns running out of device memory, at any step, into a
 * {@link BackendUnavailableException} — an exception the engine and the command line know (the
 * kernels' own {@link dev.jbert.kernels.device.DeviceException} types stay inside this module, so
 * nothing above it needs the kernels at compile time). Every other failure passes through as is.
 */
final class CudaBackendModel implements DeviceModel {
    private final DeviceModel model;

    CudaBackendModel(DeviceModel model) {
        this.model = model;
    }

    /** The one sentence for an allocation that did not fit while setting up {@code what}. */
    static BackendUnavailableException outOfMemory(DeviceOutOfMemoryException e, String what) {
        return new BackendUnavailableException("out of GPU memory for " + what + " (" + e.getMessage()
                + "): use a smaller --batch-size or --max-length", e);
    }

    private static <T> T guardedCall(String what, Supplier<T> step) {
        try {
            return step.get();
        } catch (DeviceOutOfMemoryException e) {
            throw outOfMemory(e, what);
        }
    }

    private static void guarded(String what, Runnable step) {
        try {
            step.run();
        } catch (DeviceOutOfMemoryException e) {
            throw outOfMemory(e, what);
        }
    }

    @Override
    public int maxBatch() {
        return model.maxBatch();
    }

    @Override
    public int maxSeqLen() {
        return model.maxSeqLen();
    }

    @Override
    public float[] forward(RunContext ctx, ModelInput input) {
        return guardedCall("a forward pass", () -> model.forward(ctx, input));
    }

    @Override
    public void backward(RunContext ctx, float[] dLogits) {
        guarded("a backward pass", () -> model.backward(ctx, dLogits));
    }

    @Override
    public float clipGradNorm(double maxNorm) {
        return guardedCall("the gradient norm", () -> model.clipGradNorm(maxNorm));
    }

    @Override
    public void adamwStep(AdamW optimizer, double lr) {
        guarded("the optimizer step", () -> model.adamwStep(optimizer, lr));
    }

    @Override
    public void zeroGrad() {
        model.zeroGrad();
    }

    @Override
    public void copyParametersToHost() {
        model.copyParametersToHost();
    }

    @Override
    public void copyParametersToDevice() {
        model.copyParametersToDevice();
    }

    @Override
    public void copyOptimizerStateToHost(AdamW optimizer) {
        model.copyOptimizerStateToHost(optimizer);
    }

    @Override
    public void copyOptimizerStateToDevice(AdamW optimizer) {
        guarded("the optimizer state", () -> model.copyOptimizerStateToDevice(optimizer));
    }

    @Override
    public String description() {
        return model.description();
    }

    @Override
    public void close() {
        model.close();
    }
}
