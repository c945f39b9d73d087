package dev.jbert.kernels.ops;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.device.Dim3;
import dev.jbert.kernels.device.Kernel;
import dev.jbert.kernels.device.KernelArgs;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typed launchers for every entry point of our PTX modules (see docs/kernels-cuda.md for each
 * kernel's contract). One instance per {@link Device}; kernels are looked up lazily and cached.
 * Pointers are device addresses ({@code long}, 0 = null). Each method computes the grid and block
 * the table in docs/kernels-cuda.md prescribes, validates its sizes (IllegalArgumentException
 * naming the argument), and launches asynchronously on the device's stream. A call whose work is
 * empty (a zero batch, zero rows) launches nothing.
 *
 * <p>Methods that need a two-stage reduction take a {@code partial} workspace pointer; the static
 * {@code ...PartialFloats} method with the same sizes says how many floats it must hold (0 means
 * none is needed and {@code partial} may be 0). The second stage is launched here too. How the
 * work is split (split-K of the weight gradient, row slabs of the bias, LayerNorm and token-type
 * gradients) is a function of the sizes alone, sized for the reference machine's
 * {@value #REFERENCE_SMS} SMs, never of the device at hand: the same call gives the same bits on
 * every GPU and in the emulator.
 *
 * <p>Holds no state but the kernel cache (thread-safe); launches go to the device's one stream in
 * the order they are made, so callers that launch from several threads order them themselves.
 */
public final class GpuKernels {
    /** SMs of the reference machine (H100 SXM) that grids and splits are sized for. */
    static final int REFERENCE_SMS = 132;
    /** Blocks of a grid-stride loop: enough for 16 blocks of 256 threads per reference SM. */
    static final int MAX_STRIDE_BLOCKS = REFERENCE_SMS * 16;
    /** The blocks a column-parallel reduction aims for: 2 per SM × 8 warps, as docs/kernels-cuda.md. */
    static final int REDUCTION_TARGET = 2 * REFERENCE_SMS * 8;
    /** GEMM blocks a split weight gradient aims for: two per reference SM. */
    static final int WEIGHT_TARGET_BLOCKS = 2 * REFERENCE_SMS;
    /** The fewest rows of M a split-K slice reduces (keeps the partial traffic small against the product). */
    static final int MIN_ROWS_PER_SPLIT = 512;
    /** The fewest rows a reduction slab sums (keeps the partial traffic small against dy's). */
    static final int MIN_ROWS_PER_SLAB = 32;
    /** Rows per slab of the token-type gradient, as embedding.cu suggests. */
    static final int TYPE_ROWS_PER_SLAB = 64;

    private static final int TILE = 128;
    private static final int THREADS = 256;
    private static final int MAX_GRID_YZ = 65535;
    /** Rows per block and threads per block of the bf16 tensor-core attention kernels. */
    private static final int ATTENTION_TC_ROWS = 64;
    private static final int ATTENTION_TC_THREADS = 128;

    private static final String GEMM_F32 = "gemm_f32";
    private static final String ATTENTION = "attention";
    private static final String LAYERNORM = "layernorm";
    private static final String ELEMENTWISE = "elementwise";
    private static final String LOSS = "loss";
    private static final String EMBEDDING = "embedding";
    private static final String OPTIMIZER = "optimizer";

    private final Device device;
    private final Map<String, Kernel> kernels = new ConcurrentHashMap<>();

    public GpuKernels(Device device) {
        this.device = Objects.requireNonNull(device, "device");
    }

    public Device device() {
        return device;
    }

    // ------------------------------------------------------------------ GEMM (gemm_f32, gemm_tc)

    /** out[M,N] = act(x[M,K]·w[N,K]ᵀ + bias[N]); bias, preact nullable. */
    public void linearForward(Precision p, long x, long w, long bias, long preact, long out,
                              int m, int n, int k, Activation act) {
        String op = "linearForward";
        Objects.requireNonNull(p, "linearForward: precision");
        int code = activationCode(op, act);
        sizes(op, "m", m, "n", n, "k", k);
        gemmProducts(op, m, n, k);
        if (m == 0 || n == 0) {
            return;
        }
        require(op, "x", x, k > 0);
        require(op, "w", w, k > 0);
        require(op, "out", out, true);
        launch(p.module(), "linear_forward_" + p.suffix(), Dim3.of(Dim3.cdiv(n, TILE), Dim3.cdiv(m, TILE)),
                Dim3.of(THREADS),
                KernelArgs.of().ptr(x).ptr(w).ptr(bias).ptr(preact).ptr(out).i32(m).i32(n).i32(k).i32(code));
    }

    /** dx[M,K] = dy[M,N]·w[N,K] (or += with accumulate). */
    public void linearBackwardInput(Precision p, long dy, long w, long dx, int m, int n, int k, boolean accumulate) {
        String op = "linearBackwardInput";
        Objects.requireNonNull(p, "linearBackwardInput: precision");
        sizes(op, "m", m, "n", n, "k", k);
        gemmProducts(op, m, n, k);
        if (m == 0 || k == 0) {
            return;
        }
        require(op, "dy", dy, n > 0);
        require(op, "w", w, n > 0);
        require(op, "dx", dx, true);
        launch(p.module(), "linear_backward_input_" + p.suffix(), Dim3.of(Dim3.cdiv(k, TILE), Dim3.cdiv(m, TILE)),
                Dim3.of(THREADS),
                KernelArgs.of().ptr(dy).ptr(w).ptr(dx).i32(m).i32(n).i32(k).i32(accumulate ? 1 : 0));
    }

    /** dw[N,K] += dy[M,N]ᵀ·x[M,K]; split-K over M into {@code partial} (+ splitk_reduce) when it pays. */
    public void linearBackwardWeight(Precision p, long dy, long x, long dw, long partial, int m, int n, int k) {
        String op = "linearBackwardWeight";
        Objects.requireNonNull(p, "linearBackwardWeight: precision");
        sizes(op, "m", m, "n", n, "k", k);
        gemmProducts(op, m, n, k);
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        require(op, "dy", dy, true);
        require(op, "x", x, true);
        require(op, "dw", dw, true);
        int kChunk = weightRowsPerSplit(m, n, k);
        int splits = Dim3.cdiv(m, kChunk);
        workspace(op, partial, weightPartialFloats(m, n, k), "weightPartialFloats", m, n, k);
        launch(p.module(), "linear_backward_weight_" + p.suffix(),
                Dim3.of(Dim3.cdiv(k, TILE), Dim3.cdiv(n, TILE), splits), Dim3.of(THREADS),
                KernelArgs.of().ptr(dy).ptr(x).ptr(dw).ptr(splits > 1 ? partial : 0).i32(m).i32(n).i32(k).i32(kChunk));
        if (splits > 1) {
            splitkReduce(partial, dw, splits, n * k);
        }
    }

    /** Floats of workspace {@link #linearBackwardWeight} needs for these sizes (0: none). */
    public static long weightPartialFloats(int m, int n, int k) {
        sizes("weightPartialFloats", "m", m, "n", n, "k", k);
        if (m == 0 || n == 0 || k == 0) {
            return 0;
        }
        int splits = Dim3.cdiv(m, weightRowsPerSplit(m, n, k));
        return splits > 1 ? (long) splits * n * k : 0;
    }

    /**
     * kChunk of the weight gradient: the rows of M each split reduces. The output dw[N,K] has
     * cdiv(N,128)·cdiv(K,128) tiles; when they fill the reference machine's SMs at least once the
     * product runs unsplit (kChunk = M), else M is cut into as many splits as bring the blocks to
     * {@link #WEIGHT_TARGET_BLOCKS}, but never into slices shorter than
     * {@link #MIN_ROWS_PER_SPLIT} rows; kChunk is then a multiple of 32 (the float4 loads).
     */
    static int weightRowsPerSplit(int m, int n, int k) {
        long tiles = (long) Dim3.cdiv(n, TILE) * Dim3.cdiv(k, TILE);
        if (tiles >= REFERENCE_SMS) {
            return Math.max(m, 1);
        }
        long wanted = (WEIGHT_TARGET_BLOCKS + tiles - 1) / tiles;
        long splits = Math.min(wanted, Math.max(1, m / MIN_ROWS_PER_SPLIT));
        if (splits <= 1) {
            return Math.max(m, 1);
        }
        long chunk = (m + splits - 1) / splits;
        return (int) ((chunk + 31) / 32 * 32);
    }

    /** db[N] += Σ_m dy[m, n] (+ splitk_reduce when partial is used). */
    public void biasGrad(long dy, long db, long partial, int m, int n) {
        String op = "biasGrad";
        sizes(op, "m", m, "n", n);
        if (m == 0 || n == 0) {
            return;
        }
        require(op, "dy", dy, true);
        require(op, "db", db, true);
        int slabs = biasSlabs(m, n);
        workspace(op, partial, biasPartialFloats(m, n), "biasPartialFloats", m, n);
        launch(GEMM_F32, "bias_grad", Dim3.of(Dim3.cdiv(n, 32), slabs), Dim3.of(32, 8),
                KernelArgs.of().ptr(dy).ptr(db).ptr(slabs > 1 ? partial : 0).i32(m).i32(n));
        if (slabs > 1) {
            splitkReduce(partial, db, slabs, n);
        }
    }

    public static long biasPartialFloats(int m, int n) {
        sizes("biasPartialFloats", "m", m, "n", n);
        if (m == 0 || n == 0) {
            return 0;
        }
        int slabs = biasSlabs(m, n);
        return slabs > 1 ? (long) slabs * n : 0;
    }

    /** Row slabs of the bias gradient: clamp(2·132·8 / cdiv(N,32), 1, M/32). */
    static int biasSlabs(int m, int n) {
        return columnSlabs(m, n);
    }

    /** out[i] += Σ_s partial[s·n + i]. */
    public void splitkReduce(long partial, long out, int splits, int n) {
        String op = "splitkReduce";
        sizes(op, "splits", splits, "n", n);
        if (splits == 0 || n == 0) {
            return;
        }
        require(op, "partial", partial, true);
        require(op, "out", out, true);
        launch(GEMM_F32, "splitk_reduce", Dim3.of(strideBlocks(n)), Dim3.of(THREADS),
                KernelArgs.of().ptr(partial).ptr(out).i32(splits).i32(n));
    }

    // ------------------------------------------------------------------ attention

    /**
     * out[B,T,C] and lse[B,H,T] from q, k, v (row stride ldQKV); keyMask [B,T] nullable; probs
     * [B,H,T,T] nullable (inspection only). Dropout on the probabilities with (seed, stream,
     * counter, p) exactly as DropoutRng; p = 0 off. Head size d must be 16, 32 or 64.
     */
    public void attentionForward(long q, long k, long v, long keyMask, long out, long lse, long probs,
                                 int b, int t, int h, int d, int ldQKV,
                                 long seed, int stream, long counter, double p) {
        attentionForward(Precision.FP32, q, k, v, keyMask, out, lse, probs, b, t, h, d, ldQKV, seed, stream, counter,
                p);
    }

    /**
     * {@link #attentionForward(long, long, long, long, long, long, long, int, int, int, int, int, long, int, long,
     * double) attentionForward} with the products in the given precision: {@link Precision#BF16} runs the bf16
     * tensor-core kernels ({@code attention_forward_bf16_d32/_d64}: q, k, v and the probabilities rounded to bf16,
     * float32 softmax and accumulation); {@link Precision#FP32} and {@link Precision#TF32} run the float32
     * kernels (there is no tf32 attention), and so does bf16 with head size 16 (no bf16 kernel of that size).
     */
    public void attentionForward(Precision precision, long q, long k, long v, long keyMask, long out, long lse,
                                 long probs, int b, int t, int h, int d, int ldQKV,
                                 long seed, int stream, long counter, double p) {
        String op = "attentionForward";
        Objects.requireNonNull(precision, "attentionForward: precision");
        attentionShape(op, b, t, h, d, ldQKV, p);
        if (b == 0 || t == 0 || h == 0) {
            return;
        }
        require(op, "q", q, true);
        require(op, "k", k, true);
        require(op, "v", v, true);
        require(op, "out", out, true);
        require(op, "lse", lse, true);
        boolean bf16 = attentionOnTensorCores(precision, d);
        launch(ATTENTION, "attention_forward_" + (bf16 ? "bf16_d" : "d") + d, attentionGrid(bf16, t, h, b),
                Dim3.of(bf16 ? ATTENTION_TC_THREADS : THREADS),
                KernelArgs.of().ptr(q).ptr(k).ptr(v).ptr(keyMask).ptr(out).ptr(lse).ptr(probs)
                        .i32(b).i32(t).i32(h).i32(ldQKV).u64(seed).i32(stream).u64(counter).f64(p));
    }

    /** dq, dk, dv (stride ldQKV, overwritten) from dout, the forward's out and lse; delta: [B,H,T] scratch. */
    public void attentionBackward(long dout, long q, long k, long v, long keyMask, long out, long lse, long delta,
                                  long dq, long dk, long dv, int b, int t, int h, int d, int ldQKV,
                                  long seed, int stream, long counter, double p) {
        attentionBackward(Precision.FP32, dout, q, k, v, keyMask, out, lse, delta, dq, dk, dv, b, t, h, d, ldQKV,
                seed, stream, counter, p);
    }

    /**
     * {@link #attentionBackward(long, long, long, long, long, long, long, long, long, long, long, int, int, int, int,
     * int, long, int, long, double) attentionBackward} with the products in the given precision:
     * {@link Precision#BF16} runs the bf16 tensor-core dkdv and dq kernels, after the Δ kernel that rounds dout
     * to bf16 as they do; {@link Precision#FP32} and {@link Precision#TF32} the float32 ones, as bf16 with head
     * size 16.
     */
    public void attentionBackward(Precision precision, long dout, long q, long k, long v, long keyMask, long out,
                                  long lse, long delta, long dq, long dk, long dv, int b, int t, int h, int d,
                                  int ldQKV, long seed, int stream, long counter, double p) {
        String op = "attentionBackward";
        Objects.requireNonNull(precision, "attentionBackward: precision");
        attentionShape(op, b, t, h, d, ldQKV, p);
        if (b == 0 || t == 0 || h == 0) {
            return;
        }
        require(op, "dout", dout, true);
        require(op, "q", q, true);
        require(op, "k", k, true);
        require(op, "v", v, true);
        require(op, "out", out, true);
        require(op, "lse", lse, true);
        require(op, "delta", delta, true);
        require(op, "dq", dq, true);
        require(op, "dk", dk, true);
        require(op, "dv", dv, true);
        long rows = (long) b * t * h;
        boolean bf16 = attentionOnTensorCores(precision, d);
        launch(ATTENTION, bf16 ? "attention_backward_delta_bf16" : "attention_backward_delta",
                Dim3.of(Dim3.cdiv(rows, 8)), Dim3.of(THREADS),
                KernelArgs.of().ptr(dout).ptr(out).ptr(delta).i32(b).i32(t).i32(h).i32(d));
        Dim3 grid = attentionGrid(bf16, t, h, b);
        Dim3 block = Dim3.of(bf16 ? ATTENTION_TC_THREADS : THREADS);
        String suffix = (bf16 ? "bf16_d" : "d") + d;
        launch(ATTENTION, "attention_backward_dkdv_" + suffix, grid, block,
                KernelArgs.of().ptr(dout).ptr(q).ptr(k).ptr(v).ptr(keyMask).ptr(lse).ptr(delta).ptr(dk).ptr(dv)
                        .i32(b).i32(t).i32(h).i32(ldQKV).u64(seed).i32(stream).u64(counter).f64(p));
        launch(ATTENTION, "attention_backward_dq_" + suffix, grid, block,
                KernelArgs.of().ptr(dout).ptr(q).ptr(k).ptr(v).ptr(keyMask).ptr(lse).ptr(delta).ptr(dq)
                        .i32(b).i32(t).i32(h).i32(ldQKV).u64(seed).i32(stream).u64(counter).f64(p));
    }

    /**
     * Whether attention of head size d in this precision runs on the bf16 tensor-core kernels: {@link Precision#BF16}
     * with d = 32 or 64. The bf16 kernels have no d = 16 (the tiny golden models' head size), so bf16 attention of
     * d = 16 runs the float32 kernels, as FP32 and TF32 always do; the one place this choice is made.
     */
    private static boolean attentionOnTensorCores(Precision precision, int d) {
        return precision == Precision.BF16 && d != 16;
    }

    /** Tiles of 32 rows (float32 kernels) or 64 rows (bf16: 4 warps × 16), per head and sequence. */
    private static Dim3 attentionGrid(boolean bf16, int t, int h, int b) {
        return Dim3.of(Dim3.cdiv(t, bf16 ? ATTENTION_TC_ROWS : 32), h, b);
    }

    private static void attentionShape(String op, int b, int t, int h, int d, int ldQKV, double p) {
        sizes(op, "b", b, "t", t, "h", h);
        if (d != 16 && d != 32 && d != 64) {
            throw new IllegalArgumentException(op + ": head size d must be 16, 32 or 64, found " + d);
        }
        long c = (long) h * d;
        if (ldQKV < c) {
            throw new IllegalArgumentException(op + ": ldQKV must be ≥ h·d = " + c + ", found " + ldQKV);
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(op + ": dropout probability p must lie in [0, 1], found " + p);
        }
    }

    // ------------------------------------------------------------------ layernorm

    /** mean, rstd nullable (inference); out may alias x. */
    public void layerNormForward(long x, long gamma, long beta, long out, long mean, long rstd,
                                 int rows, int c, float eps) {
        String op = "layerNormForward";
        sizes(op, "rows", rows, "c", c);
        if (!(eps >= 0f)) {
            throw new IllegalArgumentException(op + ": eps must be ≥ 0, found " + eps);
        }
        if (rows == 0) {
            return;
        }
        require(op, "x", x, c > 0);
        require(op, "gamma", gamma, c > 0);
        require(op, "beta", beta, c > 0);
        require(op, "out", out, c > 0);
        launch(LAYERNORM, "layernorm_forward", Dim3.of(Dim3.cdiv(rows, 8)), Dim3.of(THREADS),
                KernelArgs.of().ptr(x).ptr(gamma).ptr(beta).ptr(out).ptr(mean).ptr(rstd).i32(rows).i32(c).f32(eps));
    }

    /** dx overwritten (may alias dout); dgamma, dbeta accumulated. */
    public void layerNormBackward(long dout, long x, long gamma, long mean, long rstd, long dx,
                                  long dgamma, long dbeta, long partial, int rows, int c) {
        String op = "layerNormBackward";
        sizes(op, "rows", rows, "c", c);
        if (rows == 0 || c == 0) {
            return;
        }
        require(op, "dout", dout, true);
        require(op, "x", x, true);
        require(op, "gamma", gamma, true);
        require(op, "mean", mean, true);
        require(op, "rstd", rstd, true);
        require(op, "dx", dx, true);
        require(op, "dgamma", dgamma, true);
        require(op, "dbeta", dbeta, true);
        int slabs = layerNormSlabs(rows, c);
        workspace(op, partial, layerNormPartialFloats(rows, c), "layerNormPartialFloats", rows, c);
        // the parameter gradients first: they read dout, which dx may overwrite
        launch(LAYERNORM, "layernorm_backward_params", Dim3.of(Dim3.cdiv(c, 32), slabs), Dim3.of(32, 8),
                KernelArgs.of().ptr(dout).ptr(x).ptr(mean).ptr(rstd).ptr(dgamma).ptr(dbeta)
                        .ptr(slabs > 1 ? partial : 0).i32(rows).i32(c));
        if (slabs > 1) {
            launch(LAYERNORM, "layernorm_backward_params_finish", Dim3.of(Dim3.cdiv(c, THREADS)), Dim3.of(THREADS),
                    KernelArgs.of().ptr(partial).ptr(dgamma).ptr(dbeta).i32(slabs).i32(c));
        }
        launch(LAYERNORM, "layernorm_backward_input", Dim3.of(Dim3.cdiv(rows, 8)), Dim3.of(THREADS),
                KernelArgs.of().ptr(dout).ptr(x).ptr(gamma).ptr(mean).ptr(rstd).ptr(dx).i32(rows).i32(c));
    }

    public static long layerNormPartialFloats(int rows, int c) {
        sizes("layerNormPartialFloats", "rows", rows, "c", c);
        if (rows == 0 || c == 0) {
            return 0;
        }
        int slabs = layerNormSlabs(rows, c);
        return slabs > 1 ? (long) slabs * 2 * c : 0;
    }

    /** Row slabs of dγ/dβ: clamp(2·132·8 / cdiv(C,32), 1, rows/32) (≈ 88 for C = 768). */
    static int layerNormSlabs(int rows, int c) {
        return columnSlabs(rows, c);
    }

    // ------------------------------------------------------------------ elementwise

    public void activationForward(long x, long out, int n, Activation act) {
        String op = "activationForward";
        int code = activationCode(op, act);
        sizes(op, "n", n);
        if (n == 0) {
            return;
        }
        require(op, "x", x, true);
        require(op, "out", out, true);
        launch(ELEMENTWISE, "activation_forward", Dim3.of(strideBlocks(n)), Dim3.of(THREADS),
                KernelArgs.of().ptr(x).ptr(out).i32(n).i32(code));
    }

    public void activationBackward(long preact, long dout, long dx, int n, Activation act) {
        String op = "activationBackward";
        int code = activationCode(op, act);
        sizes(op, "n", n);
        if (n == 0) {
            return;
        }
        require(op, "preact", preact, true);
        require(op, "dout", dout, true);
        require(op, "dx", dx, true);
        launch(ELEMENTWISE, "activation_backward", Dim3.of(strideBlocks(n)), Dim3.of(THREADS),
                KernelArgs.of().ptr(preact).ptr(dout).ptr(dx).i32(n).i32(code));
    }

    public void residualAdd(long a, long b, long out, int n) {
        String op = "residualAdd";
        sizes(op, "n", n);
        if (n == 0) {
            return;
        }
        require(op, "a", a, true);
        require(op, "b", b, true);
        require(op, "out", out, true);
        launch(ELEMENTWISE, "residual_add", Dim3.of(strideBlocks(n)), Dim3.of(THREADS),
                KernelArgs.of().ptr(a).ptr(b).ptr(out).i32(n));
    }

    public void dropoutMask(long mask, int n, long seed, int stream, long counter, double p) {
        String op = "dropoutMask";
        sizes(op, "n", n);
        probability(op, p);
        if (n == 0) {
            return;
        }
        require(op, "mask", mask, true);
        launch(ELEMENTWISE, "dropout_mask", Dim3.of(strideBlocks(quads(n))), Dim3.of(THREADS),
                KernelArgs.of().ptr(mask).i32(n).u64(seed).i32(stream).u64(counter).f64(p));
    }

    /** mask nullable. */
    public void dropoutForward(long x, long out, long mask, int n, long seed, int stream, long counter, double p) {
        String op = "dropoutForward";
        sizes(op, "n", n);
        probability(op, p);
        if (n == 0) {
            return;
        }
        require(op, "x", x, true);
        require(op, "out", out, true);
        launch(ELEMENTWISE, "dropout_forward", Dim3.of(strideBlocks(quads(n))), Dim3.of(THREADS),
                KernelArgs.of().ptr(x).ptr(out).ptr(mask).i32(n).u64(seed).i32(stream).u64(counter).f64(p));
    }

    public void dropoutBackward(long dout, long mask, long dx, int n) {
        String op = "dropoutBackward";
        sizes(op, "n", n);
        if (n == 0) {
            return;
        }
        require(op, "dout", dout, true);
        require(op, "mask", mask, true);
        require(op, "dx", dx, true);
        launch(ELEMENTWISE, "dropout_backward", Dim3.of(strideBlocks(n)), Dim3.of(THREADS),
                KernelArgs.of().ptr(dout).ptr(mask).ptr(dx).i32(n));
    }

    // ------------------------------------------------------------------ losses (loss[0] = mean loss)

    /**
     * labels: int32 [B]; classWeights nullable; dlogits nullable (forward only). The labels are
     * not checked here (they live on the device): a label outside [0, L) that is not
     * {@code ignoreIndex} gives a NaN loss, so the caller validates them on the host.
     */
    public void crossEntropy(long logits, long labels, long classWeights, long loss, long dlogits,
                             int b, int l, int ignoreIndex, double gradScale) {
        String op = "crossEntropy";
        sizes(op, "b", b, "l", l);
        positive(op, "l", l);
        require(op, "logits", logits, b > 0);
        require(op, "labels", labels, b > 0);
        require(op, "loss", loss, true);
        launch(LOSS, "cross_entropy_loss", Dim3.of(1), Dim3.of(THREADS),
                KernelArgs.of().ptr(logits).ptr(labels).ptr(classWeights).ptr(loss).ptr(dlogits)
                        .i32(b).i32(l).i32(ignoreIndex).f64(gradScale));
    }

    /** targets: float [B,L]; posWeight nullable; dlogits nullable. */
    public void bceWithLogits(long logits, long targets, long posWeight, long loss, long dlogits,
                              int b, int l, double gradScale) {
        String op = "bceWithLogits";
        sizes(op, "b", b, "l", l);
        positive(op, "l", l);
        require(op, "logits", logits, b > 0);
        require(op, "targets", targets, b > 0);
        require(op, "loss", loss, true);
        launch(LOSS, "bce_with_logits_loss", Dim3.of(1), Dim3.of(THREADS),
                KernelArgs.of().ptr(logits).ptr(targets).ptr(posWeight).ptr(loss).ptr(dlogits)
                        .i32(b).i32(l).f64(gradScale));
    }

    public void mse(long x, long y, long loss, long dx, int n, double gradScale) {
        String op = "mse";
        sizes(op, "n", n);
        require(op, "x", x, n > 0);
        require(op, "y", y, n > 0);
        require(op, "loss", loss, true);
        launch(LOSS, "mse_loss", Dim3.of(1), Dim3.of(THREADS),
                KernelArgs.of().ptr(x).ptr(y).ptr(loss).ptr(dx).i32(n).f64(gradScale));
    }

    // ------------------------------------------------------------------ embedding

    /** ids, typeIds: int32 [B,T] (typeIds nullable = 0); type table nullable (DistilBERT). */
    public void embeddingForward(long ids, long typeIds, long word, long pos, long type, long out, int b, int t, int c) {
        String op = "embeddingForward";
        sizes(op, "b", b, "t", t, "c", c);
        product(op, "b·t", b, t);
        if (b == 0 || t == 0) {
            return;
        }
        require(op, "ids", ids, true);
        require(op, "word", word, c > 0);
        require(op, "pos", pos, c > 0);
        require(op, "out", out, c > 0);
        launch(EMBEDDING, "embedding_forward", Dim3.of(b * t), Dim3.of(128),
                KernelArgs.of().ptr(ids).ptr(typeIds).ptr(word).ptr(pos).ptr(type).ptr(out).i32(b).i32(t).i32(c));
    }

    public void embeddingBackwardWord(long ids, long dsum, long dword, int rows, int c, int padId) {
        String op = "embeddingBackwardWord";
        sizes(op, "rows", rows, "c", c);
        if (rows == 0 || c == 0) {
            return;
        }
        require(op, "ids", ids, true);
        require(op, "dsum", dsum, true);
        require(op, "dword", dword, true);
        launch(EMBEDDING, "embedding_backward_word", Dim3.of(rows), Dim3.of(128),
                KernelArgs.of().ptr(ids).ptr(dsum).ptr(dword).i32(rows).i32(c).i32(padId));
    }

    public void embeddingBackwardPosition(long dsum, long dpos, int b, int t, int c) {
        String op = "embeddingBackwardPosition";
        sizes(op, "b", b, "t", t, "c", c);
        if (t == 0 || c == 0) {
            return;
        }
        require(op, "dsum", dsum, b > 0);
        require(op, "dpos", dpos, true);
        launch(EMBEDDING, "embedding_backward_position", Dim3.of(Dim3.cdiv(c, 128), t), Dim3.of(128),
                KernelArgs.of().ptr(dsum).ptr(dpos).i32(b).i32(t).i32(c));
    }

    public void embeddingBackwardType(long typeIds, long dsum, long dtype, long partial, int rows, int c, int numTypes) {
        String op = "embeddingBackwardType";
        sizes(op, "rows", rows, "c", c, "numTypes", numTypes);
        product(op, "numTypes·c", numTypes, c);
        if (rows == 0 || c == 0 || numTypes == 0) {
            return;
        }
        require(op, "dsum", dsum, true);
        require(op, "dtype", dtype, true);
        int slabs = typeSlabs(rows);
        workspace(op, partial, typePartialFloats(rows, c, numTypes), "typePartialFloats", rows, c, numTypes);
        launch(EMBEDDING, "embedding_backward_type", Dim3.of(Dim3.cdiv(c, 128), slabs), Dim3.of(128),
                KernelArgs.of().ptr(typeIds).ptr(dsum).ptr(dtype).ptr(slabs > 1 ? partial : 0)
                        .i32(rows).i32(c).i32(numTypes));
        if (slabs > 1) {
            splitkReduce(partial, dtype, slabs, numTypes * c);
        }
    }

    public static long typePartialFloats(int rows, int c, int numTypes) {
        sizes("typePartialFloats", "rows", rows, "c", c, "numTypes", numTypes);
        if (rows == 0 || c == 0 || numTypes == 0) {
            return 0;
        }
        int slabs = typeSlabs(rows);
        return slabs > 1 ? (long) slabs * numTypes * c : 0;
    }

    /** Row slabs of the token-type gradient: rows/64 (at least 1), as embedding.cu suggests. */
    static int typeSlabs(int rows) {
        return Math.min(MAX_GRID_YZ, Math.max(1, rows / TYPE_ROWS_PER_SLAB));
    }

    // ------------------------------------------------------------------ optimizer (see OptimizerLayout)

    /**
     * The global L2 norm of the gradients and the clip coefficient, as {@code GradClip} computes
     * them, written as two device floats: normAndCoef[0] = norm, normAndCoef[1] =
     * min(1, (1/(norm + 1e-6))·maxNorm) (exactly 1 when maxNorm is not finite positive), so the
     * coefficient sits at byte address {@code normAndCoef + 4}. partialDoubles must hold
     * layout.numChunks() doubles (it may be 0 when the layout has no chunks).
     */
    public void gradNorm(OptimizerLayout.OnDevice layout, long grads, long partialDoubles, double maxNorm, long normAndCoef) {
        String op = "gradNorm";
        Objects.requireNonNull(layout, "gradNorm: layout");
        OptimizerLayout l = layout.layout();
        int chunks = l.numChunks();
        require(op, "grads", grads, chunks > 0);
        require(op, "partialDoubles", partialDoubles, chunks > 0);
        require(op, "normAndCoef", normAndCoef, true);
        if (chunks > 0) {
            launch(OPTIMIZER, "grad_norm_partial", Dim3.of(chunks), Dim3.of(THREADS),
                    KernelArgs.of().ptr(grads).ptr(layout.tensorOffset()).ptr(layout.tensorFirstChunk())
                            .ptr(layout.tensorFlags()).i32(l.numTensors()).i32(OptimizerLayout.CHUNK)
                            .ptr(partialDoubles));
        }
        launch(OPTIMIZER, "grad_norm_finish", Dim3.of(1), Dim3.of(THREADS),
                KernelArgs.of().ptr(partialDoubles).ptr(layout.tensorFirstChunk()).ptr(layout.tensorFlags())
                        .i32(l.numTensors()).f64(maxNorm).ptr(normAndCoef));
    }

    /** grads *= *coef (a device float, e.g. normAndCoef + 4: the coefficient {@link #gradNorm} wrote). */
    public void gradClipScale(OptimizerLayout.OnDevice layout, long grads, long coef) {
        String op = "gradClipScale";
        Objects.requireNonNull(layout, "gradClipScale: layout");
        OptimizerLayout l = layout.layout();
        if (l.numChunks() == 0) {
            return;
        }
        require(op, "grads", grads, true);
        require(op, "coef", coef, true);
        launch(OPTIMIZER, "grad_clip_scale", Dim3.of(l.numChunks()), Dim3.of(THREADS),
                KernelArgs.of().ptr(grads).ptr(layout.tensorOffset()).ptr(layout.tensorFirstChunk())
                        .ptr(layout.tensorFlags()).i32(l.numTensors()).i32(OptimizerLayout.CHUNK).ptr(coef));
    }

    /** torch.optim.AdamW over all tensors of the layout; gradScale: device float or 0. */
    public void adamwStep(OptimizerLayout.OnDevice layout, long params, long grads, long expAvg, long expAvgSq,
                          AdamWScalars s, long gradScale) {
        String op = "adamwStep";
        Objects.requireNonNull(layout, "adamwStep: layout");
        Objects.requireNonNull(s, "adamwStep: scalars");
        OptimizerLayout l = layout.layout();
        if (l.numChunks() == 0) {
            return;
        }
        require(op, "params", params, true);
        require(op, "grads", grads, true);
        require(op, "expAvg", expAvg, true);
        require(op, "expAvgSq", expAvgSq, true);
        launch(OPTIMIZER, "adamw_step", Dim3.of(l.numChunks()), Dim3.of(THREADS),
                KernelArgs.of().ptr(params).ptr(grads).ptr(expAvg).ptr(expAvgSq).ptr(layout.tensorOffset())
                        .ptr(layout.tensorFirstChunk()).ptr(layout.tensorFlags()).i32(l.numTensors())
                        .i32(OptimizerLayout.CHUNK).f32(s.lerpWeight()).f32(s.beta2()).f32(s.oneMinusBeta2())
                        .f32(s.eps()).f32(s.decayFactor()).f32(s.negStepSize()).f32(s.biasCorrection2Sqrt())
                        .ptr(gradScale));
    }

    // ------------------------------------------------------------------ shared helpers

    /** The kernels' activation code (docs/kernels-cuda.md), spelled out so that the enum's order cannot drift. */
    static int activationCode(String op, Activation act) {
        if (act == null) {
            throw new IllegalArgumentException(op + ": activation must not be null");
        }
        return switch (act) {
            case NONE -> 0;
            case GELU -> 1;
            case GELU_TANH -> 2;
            case RELU -> 3;
            case TANH -> 4;
        };
    }

    /** Blocks of a grid-stride loop over {@code work} items: min(cdiv(work, 256), 132·16). */
    static int strideBlocks(long work) {
        return (int) Math.max(1, Math.min(MAX_STRIDE_BLOCKS, (work + THREADS - 1) / THREADS));
    }

    private static long quads(int n) {
        return (n + 3L) / 4;
    }

    /**
     * Row slabs of a column-parallel reduction over [rows, cols] whose blocks take 32 columns:
     * 2·132·8 / cdiv(cols, 32) slabs, at least 1, and no slab shorter than 32 rows.
     */
    private static int columnSlabs(int rows, int cols) {
        int colBlocks = Dim3.cdiv(cols, 32);
        int wanted = Math.max(1, REDUCTION_TARGET / colBlocks);
        int byRows = Math.max(1, rows / MIN_ROWS_PER_SLAB);
        return Math.min(Math.min(wanted, byRows), MAX_GRID_YZ);
    }

    private Kernel kernel(String module, String entryPoint) {
        return kernels.computeIfAbsent(module + ':' + entryPoint, key -> device.kernel(module, entryPoint));
    }

    private void launch(String module, String entryPoint, Dim3 grid, Dim3 block, KernelArgs args) {
        if (grid.y() > MAX_GRID_YZ || grid.z() > MAX_GRID_YZ) {
            throw new IllegalArgumentException(entryPoint + ": grid (" + grid.x() + ", " + grid.y() + ", " + grid.z()
                    + ") exceeds CUDA's limit of " + MAX_GRID_YZ + " blocks in y and z");
        }
        device.launch(kernel(module, entryPoint), grid, block, args);
    }

    private static void sizes(String op, String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(op + ": " + name + " must be ≥ 0, found " + value);
        }
    }

    private static void sizes(String op, String n1, int v1, String n2, int v2) {
        sizes(op, n1, v1);
        sizes(op, n2, v2);
    }

    private static void sizes(String op, String n1, int v1, String n2, int v2, String n3, int v3) {
        sizes(op, n1, v1);
        sizes(op, n2, v2);
        sizes(op, n3, v3);
    }

    private static void positive(String op, String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(op + ": " + name + " must be ≥ 1, found " + value);
        }
    }

    private static void probability(String op, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(op + ": dropout probability p must lie in [0, 1], found " + p);
        }
    }

    /** a·b must fit the kernels' int element counts. */
    private static void product(String op, String what, long a, long b) {
        long r = a * b;
        if (r > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + what + " = " + a + "·" + b + " = " + r
                    + " exceeds 2^31 − 1 elements (the kernel indexes with int)");
        }
    }

    private static void gemmProducts(String op, int m, int n, int k) {
        product(op, "m·n", m, n);
        product(op, "m·k", m, k);
        product(op, "n·k", n, k);
    }

    private static void require(String op, String name, long ptr, boolean needed) {
        if (needed && ptr == 0) {
            throw new IllegalArgumentException(op + ": device pointer " + name + " must not be null (0)");
        }
    }

    private static void workspace(String op, long partial, long floats, String sizer, int... sizes) {
        if (floats > 0 && partial == 0) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < sizes.length; i++) {
                s.append(i == 0 ? "" : ", ").append(sizes[i]);
            }
            throw new IllegalArgumentException(op + ": partial must point to " + floats + " floats of workspace ("
                    + sizer + "(" + s + ")), found null (0)");
        }
    }
}
