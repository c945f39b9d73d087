package dev.jbert.engine.nn;

import dev.jbert.engine.backend.Backend;
import java.util.List;

/** LayerNorm over the last dimension (PyTorch: biased variance, eps inside the root). */
public final class LayerNorm {
    final Parameter gamma; // [C] ("weight"; legacy checkpoints call it "gamma")
    final Parameter beta;  // [C] ("bias"; legacy "beta")
    private final int c;
    private final float eps;
    private float[] input;
    private float[] output;
    private float[] mean;
    private float[] rstd;
    private int rows;

    public LayerNorm(String prefix, int c, float eps) {
        this.gamma = Parameter.norm(prefix + ".weight", c);
        this.beta = Parameter.norm(prefix + ".bias", c);
        this.c = c;
        this.eps = eps;
    }

    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    void initIdentity() {
        gamma.value().fill(1f);
        beta.value().zero();
    }

    /** Normalises x [rows, C] into this layer's output buffer, which it returns. */
    public float[] forward(Backend be, float[] x, int rows, boolean keepForBackward) {
        this.rows = rows;
        this.input = x;
        output = Buffers.ensure(output, rows * c);
        if (keepForBackward) {
            mean = Buffers.ensure(mean, rows);
            rstd = Buffers.ensure(rstd, rows);
        }
        be.layerNorm(x, rows, c, gamma.data(), beta.data(), eps, output,
                keepForBackward ? mean : null, keepForBackward ? rstd : null);
        return output;
    }

    public float[] output() {
        return output;
    }

    /** dx [rows, C] overwritten; dgamma and dbeta accumulated. */
    public void backward(Backend be, float[] dout, float[] dx) {
        be.layerNormBackward(dout, input, rows, c, gamma.data(), mean, rstd, dx,
                gamma.grad().data(), beta.grad().data());
    }
}
