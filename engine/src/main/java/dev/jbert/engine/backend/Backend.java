package dev.jbert.engine.backend;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.nn.SequenceClassifier;
import java.util.Optional;

/**
 * The operations the layers need, in fused units. Arrays are row-major float32; every
 * operation says which arguments it overwrites and which it accumulates into.
 *
 * <p>The CPU backend ({@link CpuBackend}) is the reference. Other backends (CUDA) plug in
 * through {@link java.util.ServiceLoader} via {@link BackendProvider}; the engine knows
 * nothing of them.
 */
public interface Backend {
    /** A short name: {@code cpu}, {@code cuda}. */
    String name();

    /**
     * out[M,N] = act(x[M,K]·wᵀ + bias), w is [N,K] (PyTorch's Linear layout).
     * When {@code preact} is non-null it receives x·wᵀ + bias (for the backward pass).
     */
    void linear(float[] x, int m, int k, float[] w, float[] bias, int n, Activation act,
                float[] preact, float[] out);

    /**
     * Backward of {@code y = x·wᵀ + b} given dy[M,N]: dx[M,K] = dy·w (overwritten, or added
     * to when {@code accumulateDx}; skipped when dx is null), dw[N,K] += dyᵀ·x, db[N] += Σ_m dy.
     */
    void linearBackward(float[] dy, float[] x, int m, int k, float[] w, int n,
                        float[] dx, boolean accumulateDx, float[] dw, float[] db);

    /** dx = dout · act'(preact) over n elements (in place allowed: dx == dout). */
    void activationBackward(Activation act, float[] preact, float[] dout, float[] dx, int n);

    /** Applies an activation elementwise (in place allowed). */
    void activation(Activation act, float[] x, float[] out, int n);

    /** LayerNorm over rows of length C; mean/rstd (nullable) keep what backward needs. */
    void layerNorm(float[] x, int rows, int c, float[] gamma, float[] beta, float eps,
                   float[] out, float[] mean, float[] rstd);

    /** dx overwritten; dgamma, dbeta accumulated. */
    void layerNormBackward(float[] dout, float[] x, int rows, int c, float[] gamma,
                           float[] mean, float[] rstd, float[] dx, float[] dgamma, float[] dbeta);

    /**
     * Scaled dot-product attention over q, k, v [B,T,H·D] with a key padding mask [B,T]
     * (1 real, 0 padded; null = all real). probs [B,H,T,T] (nullable in inference) receives
     * the softmax before dropout; dropMask [B,H,T,T] (nullable) holds 0 or 1/(1−p).
     */
    void attention(float[] q, float[] k, float[] v, float[] keyMask, int b, int t, int h, int d,
                   float[] probs, float[] dropMask, float[] out);

    /** dq, dk, dv overwritten. */
    void attentionBackward(float[] dout, float[] q, float[] k, float[] v, float[] keyMask,
                           int b, int t, int h, int d, float[] probs, float[] dropMask,
                           float[] dq, float[] dk, float[] dv);

    /**
     * A device-resident copy of {@code model} for training or inference with batches of up to
     * maxBatch × maxSeqLen tokens, or empty when this backend runs the layers in place (the CPU).
     * Throws {@link BackendUnavailableException} with one clear sentence when the model cannot
     * run here (unsupported head size, not enough device memory, ...).
     */
    default Optional<DeviceModel> deviceModel(SequenceClassifier model, int maxBatch, int maxSeqLen) {
        return Optional.empty();
    }
}
