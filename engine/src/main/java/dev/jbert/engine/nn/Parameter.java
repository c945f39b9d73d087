package dev.jbert.engine.nn;

import dev.jbert.engine.tensor.Tensor;

/**
 * A learnable tensor with its gradient, under its Hugging Face state-dict name
 * (e.g. {@code bert.encoder.layer.0.attention.self.query.weight}).
 *
 * <p>The gradient accumulates across backward passes until {@link #zeroGrad()} (so gradient
 * accumulation works by construction). {@code decays} says whether weight decay applies, as
 * Hugging Face's Trainer groups parameters: not for biases, not for LayerNorm parameters.
 * A non-trainable parameter (e.g. DistilBERT's sinusoidal position table) gets no gradient
 * and no update.
 */
public final class Parameter {
    private String name;
    private final Tensor value;
    private Tensor grad;
    private final boolean decays;
    private final boolean trainable;

    public Parameter(String name, Tensor value, boolean decays, boolean trainable) {
        this.name = name;
        this.value = value;
        this.decays = decays;
        this.trainable = trainable;
    }

    public static Parameter weight(String name, int... shape) {
        return new Parameter(name, Tensor.zeros(shape), true, true);
    }

    public static Parameter bias(String name, int... shape) {
        return new Parameter(name, Tensor.zeros(shape), false, true);
    }

    public static Parameter norm(String name, int... shape) {
        return new Parameter(name, Tensor.zeros(shape), false, true);
    }

    public static Parameter constant(String name, int... shape) {
        return new Parameter(name, Tensor.zeros(shape), false, false);
    }

    public String name() {
        return name;
    }

    /** Renames, e.g. to add a {@code bert.} prefix once the model is composed. */
    public void rename(String newName) {
        this.name = newName;
    }

    public Tensor value() {
        return value;
    }

    public float[] data() {
        return value.data();
    }

    /** The gradient, allocated (zeroed) on first use. */
    public Tensor grad() {
        if (grad == null) {
            grad = Tensor.zerosLike(value);
        }
        return grad;
    }

    public boolean hasGrad() {
        return grad != null;
    }

    public void zeroGrad() {
        if (grad != null) {
            grad.zero();
        }
    }

    public boolean decays() {
        return decays;
    }

    public boolean trainable() {
        return trainable;
    }

    public int[] shape() {
        return value.shape();
    }

    @Override
    public String toString() {
        return name + value.shapeString();
    }
}
