package dev.jbert.trainer.train;

import dev.jbert.engine.backend.DeviceModel;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.train.AdamW;
import java.util.Arrays;

/**
 * A classifier's steps on a device-resident copy of it ({@link DeviceModel}): batches go in, logits
 * come out, and weights, gradients and AdamW moments stay on the device between steps. The loss is
 * still computed on the host from the logits (they are tiny), so losses and metrics come from the
 * same code as on the CPU.
 *
 * <p>The device copy was sized for a batch size; an evaluation batch with more rows (a larger
 * {@code --eval-batch-size}) is run in slices of that size — rows are independent in evaluation, so
 * the logits are the same.
 */
final class DeviceSteps implements ClassifierSteps {
    private final SequenceClassifier model;
    private final DeviceModel device;

    DeviceSteps(SequenceClassifier model, DeviceModel device) {
        this.model = model;
        this.device = device;
    }

    @Override
    public SequenceClassifier model() {
        return model;
    }

    @Override
    public float[] forward(RunContext ctx, ModelInput input) {
        int max = device.maxBatch();
        if (input.batch() <= max || ctx.keepForBackward()) {
            return device.forward(ctx, input);
        }
        int l = model.numLabels();
        float[] logits = new float[input.batch() * l];
        for (int from = 0; from < input.batch(); from += max) {
            int rows = Math.min(max, input.batch() - from);
            float[] part = device.forward(ctx, rows(input, from, rows));
            System.arraycopy(part, 0, logits, from * l, rows * l);
        }
        return logits;
    }

    /** Rows [from, from + n) of a batch, with its padding. */
    private static ModelInput rows(ModelInput in, int from, int n) {
        int t = in.seqLen();
        int a = from * t;
        int b = (from + n) * t;
        return new ModelInput(n, t, Arrays.copyOfRange(in.inputIds(), a, b),
                in.tokenTypeIds() == null ? null : Arrays.copyOfRange(in.tokenTypeIds(), a, b),
                Arrays.copyOfRange(in.attentionMask(), a, b));
    }

    @Override
    public void backward(RunContext ctx, float[] dLogits) {
        device.backward(ctx, dLogits);
    }

    @Override
    public float clipGradNorm(double maxNorm) {
        return device.clipGradNorm(maxNorm);
    }

    @Override
    public void step(AdamW adam, double lr) {
        device.adamwStep(adam, lr);
    }

    @Override
    public void zeroGrad(AdamW adam) {
        device.zeroGrad();
    }

    @Override
    public void toHost(AdamW adam) {
        device.copyParametersToHost();
        if (adam != null) {
            device.copyOptimizerStateToHost(adam);
        }
    }

    @Override
    public void fromHost(AdamW adam) {
        device.copyParametersToDevice();
        if (adam != null) {
            device.copyOptimizerStateToDevice(adam);
        }
    }

    @Override
    public String description() {
        return device.description();
    }

    @Override
    public void close() {
        device.close();
    }
}
