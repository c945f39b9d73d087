package dev.jbert.engine.nn;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.cpu.Activation;
import java.util.List;

/**
 * {@code y = act(x·Wᵀ + b)} with PyTorch's layout: weight [out, in], bias [out].
 * Forward remembers its input (and the pre-activation, when there is an activation) for
 * backward.
 */
public final class Linear {
    final Parameter weight; // [N, K]
    final Parameter bias;   // [N]
    final int in;
    final int out;
    private final Activation activation;

    private float[] input;   // [M, K], owned by the caller, must live until backward
    private float[] preact;  // [M, N] when activation != NONE and training
    private float[] output;  // [M, N]
    private int rows;

    public Linear(String prefix, int in, int out, Activation activation) {
        this.weight = Parameter.weight(prefix + ".weight", out, in);
        this.bias = Parameter.bias(prefix + ".bias", out);
        this.in = in;
        this.out = out;
        this.activation = activation;
    }

    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    /** Computes the output for M rows of x [M, in]; returns this layer's output buffer [M, out]. */
    public float[] forward(Backend be, float[] x, int m, boolean keepForBackward) {
        rows = m;
        input = x;
        output = Buffers.ensure(output, m * out);
        float[] pre = null;
        if (keepForBackward && activation != Activation.NONE) {
            preact = Buffers.ensure(preact, m * out);
            pre = preact;
        }
        be.linear(x, m, in, weight.data(), bias.data(), out, activation, pre, output);
        return output;
    }

    public float[] output() {
        return output;
    }

    /**
     * Given dy [M, out] (the gradient of this layer's output), accumulates dW and db and writes
     * dx [M, in] (overwritten, or added to when {@code accumulateDx}; skipped when dx is null).
     * When there is an activation, {@code dy} is turned into the pre-activation gradient in place.
     */
    public void backward(Backend be, float[] dy, float[] dx, boolean accumulateDx) {
        if (activation != Activation.NONE) {
            be.activationBackward(activation, preact, dy, dy, rows * out);
        }
        be.linearBackward(dy, input, rows, in, weight.data(), out, dx, accumulateDx,
                weight.trainable() ? weight.grad().data() : null,
                bias.trainable() ? bias.grad().data() : null);
    }
}
