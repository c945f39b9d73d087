package dev.jbert.trainer.train;

import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.train.AdamW;
import dev.jbert.engine.train.GradClip;
import java.util.List;

/**
 * A classifier's steps by the engine's own layers: the model's {@code forward}/{@code backward} over
 * the context's backend (each operation on the CPU, or copied through a device one at a time),
 * {@link GradClip} and {@link AdamW} on the host arrays. Nothing to copy, nothing to free.
 */
final class HostSteps implements ClassifierSteps {
    private final SequenceClassifier model;
    private final List<Parameter> parameters;

    HostSteps(SequenceClassifier model) {
        this.model = model;
        this.parameters = model.parameters();
    }

    @Override
    public SequenceClassifier model() {
        return model;
    }

    @Override
    public float[] forward(RunContext ctx, ModelInput input) {
        return model.forward(ctx, input, null);
    }

    @Override
    public void backward(RunContext ctx, float[] dLogits) {
        model.backward(ctx, dLogits);
    }

    @Override
    public float clipGradNorm(double maxNorm) {
        return GradClip.clipGradNorm(parameters, maxNorm);
    }

    @Override
    public void step(AdamW adam, double lr) {
        adam.step(lr);
    }

    @Override
    public void zeroGrad(AdamW adam) {
        adam.zeroGrad();
    }

    @Override
    public void toHost(AdamW adam) {
        // the host arrays are the model
    }

    @Override
    public void fromHost(AdamW adam) {
        // the host arrays are the model
    }

    @Override
    public String description() {
        return null;
    }

    @Override
    public void close() {
        // nothing held
    }
}
