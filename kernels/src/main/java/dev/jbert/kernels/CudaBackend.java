package dev.jbert.kernels;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.backend.DeviceModel;
import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.kernels.CudaBackendScratch.Slot;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.device.DeviceOutOfMemoryException;
import dev.jbert.kernels.model.DeviceClassifier;
import dev.jbert.kernels.ops.GpuKernels;
import dev.jbert.kernels.ops.Precision;
import java.util.Optional;

/**
 * The CUDA backend ({@code --device cuda}): our kernels on a {@link Device} — a GPU through the
 * driver API, or in tests the CPU emulator of the same kernels.
 *
 * <p>Two ways in. Training, evaluation and prediction take {@link #deviceModel}: the whole
 * classifier resident on the device ({@link DeviceClassifier}), batches in, logits out. The
 * per-operation methods of {@link Backend} serve the layer-by-layer path that {@code embed},
 * {@code inspect} and anything else running the engine's layers take: each call copies its host
 * arrays into device buffers, runs the kernel and copies the results back. Those buffers come from a
 * grow-only pool ({@link CudaBackendScratch}), so once the largest shapes have been seen no call
 * allocates device memory. The per-operation path is correct but pays a host↔device copy per
 * operation; it is for inspection, not for speed.
 *
 * <p>What the per-operation path hands to the CPU backend instead, with the same results up to
 * float rounding:
 * <ul>
 *   <li>attention (forward and backward) with a dropout mask: the kernels draw their masks from
 *       (seed, site, counter) themselves and cannot take the host's array. Training with dropout
 *       goes through {@link #deviceModel}, where masks are drawn on the device;</li>
 *   <li>attention with a head size other than 16, 32 or 64 (the sizes the attention kernels have);</li>
 *   <li>LayerNorm without γ/β or a backward without dx (no kernel for those variants).</li>
 * </ul>
 * {@link #attentionBackward} receives the forward's probabilities, but the backward kernels need the
 * forward's output and log-sum-exp instead: it recomputes the forward on the device first (the same
 * deterministic kernel, so the same values), then runs the backward.
 *
 * <p>Out of device memory, anywhere, surfaces as a {@link dev.jbert.engine.backend.BackendUnavailableException}
 * whose one sentence says how much was asked for and how to ask for less; the command line reports
 * it as one line with exit status 2. The per-operation methods are {@code synchronized}: they share
 * the pool.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private final Device device;
    private final GpuKernels kernels;
    private final Precision precision;
    private final CudaBackendScratch scratch;
    private final Backend cpu = Backends.cpu();

    /** A backend on {@code device} computing the linear layers' products in {@code precision}. */
    public CudaBackend(Device device, Precision precision) {
        this.device = device;
        this.kernels = new GpuKernels(device);
        this.precision = precision;
        this.scratch = new CudaBackendScratch(device);
    }

    @Override
    public String name() {
        return "cuda";
    }

    public Device device() {
        return device;
    }

    public Precision precision() {
        return precision;
    }

    /** Device bytes held by the per-operation pool now. */
    public synchronized long scratchBytes() {
        return scratch.bytes();
    }

    @Override
    public Optional<DeviceModel> deviceModel(SequenceClassifier model, int maxBatch, int maxSeqLen) {
        try {
            DeviceModel dm = DeviceClassifier.create(device, kernels, precision, model, maxBatch, maxSeqLen);
            return Optional.of(new CudaBackendModel(dm));
        } catch (DeviceOutOfMemoryException e) {
            throw CudaBackendModel.outOfMemory(e, "the model with batches of " + maxBatch + " x " + maxSeqLen
                    + " tokens");
        }
    }

    // ------------------------------------------------------------------ per-operation path

    @Override
    public synchronized void linear(float[] x, int m, int k, float[] w, float[] bias, int n, Activation act,
                                    float[] preact, float[] out) {
        long dx = upload(Slot.X, x, m * k);
        long dw = upload(Slot.W, w, n * k);
        long db = bias == null ? 0 : upload(Slot.BIAS, bias, n);
        long dpre = preact == null ? 0 : buffer(Slot.PREACT, (long) m * n);
        long dout = buffer(Slot.OUT, (long) m * n);
        kernels.linearForward(precision, dx, dw, db, dpre, dout, m, n, k, act);
        if (preact != null) {
            device.toHost(dpre, preact, 0, m * n);
        }
        device.toHost(dout, out, 0, m * n);
    }

    @Override
    public synchronized void linearBackward(float[] dy, float[] x, int m, int k, float[] w, int n,
                                            float[] dx, boolean accumulateDx, float[] dw, float[] db) {
        long ddy = upload(Slot.DY, dy, m * n);
        long ddx = 0;
        if (dx != null) {
            long dev = upload(Slot.W, w, n * k);
            ddx = accumulateDx ? upload(Slot.DX, dx, m * k) : buffer(Slot.DX, (long) m * k);
            kernels.linearBackwardInput(precision, ddy, dev, ddx, m, n, k, accumulateDx);
        }
        long ddw = 0;
        if (dw != null) {
            long dxIn = upload(Slot.X, x, m * k);
            ddw = upload(Slot.DW, dw, n * k);
            long partial = workspace(Slot.PARTIAL, GpuKernels.weightPartialFloats(m, n, k));
            kernels.linearBackwardWeight(precision, ddy, dxIn, ddw, partial, m, n, k);
        }
        long ddb = 0;
        if (db != null) {
            ddb = upload(Slot.DB, db, n);
            long partial = workspace(Slot.PARTIAL2, GpuKernels.biasPartialFloats(m, n));
            kernels.biasGrad(ddy, ddb, partial, m, n);
        }
        if (dx != null) {
            device.toHost(ddx, dx, 0, m * k);
        }
        if (dw != null) {
            device.toHost(ddw, dw, 0, n * k);
        }
        if (db != null) {
            device.toHost(ddb, db, 0, n);
        }
    }

    @Override
    public synchronized void activationBackward(Activation act, float[] preact, float[] dout, float[] dx, int n) {
        long dpre = upload(Slot.PREACT, preact, n);
        long ddout = upload(Slot.DOUT, dout, n);
        long ddx = buffer(Slot.DX, n);
        kernels.activationBackward(dpre, ddout, ddx, n, act);
        device.toHost(ddx, dx, 0, n);
    }

    @Override
    public synchronized void activation(Activation act, float[] x, float[] out, int n) {
        long dx = upload(Slot.X, x, n);
        long dout = buffer(Slot.OUT, n);
        kernels.activationForward(dx, dout, n, act);
        device.toHost(dout, out, 0, n);
    }

    @Override
    public synchronized void layerNorm(float[] x, int rows, int c, float[] gamma, float[] beta, float eps,
                                       float[] out, float[] mean, float[] rstd) {
        if (gamma == null || beta == null) {
            cpu.layerNorm(x, rows, c, gamma, beta, eps, out, mean, rstd);
            return;
        }
        long dx = upload(Slot.X, x, rows * c);
        long dg = upload(Slot.GAMMA, gamma, c);
        long dbeta = upload(Slot.BETA, beta, c);
        long dout = buffer(Slot.OUT, (long) rows * c);
        long dmean = mean == null ? 0 : buffer(Slot.MEAN, rows);
        long drstd = rstd == null ? 0 : buffer(Slot.RSTD, rows);
        kernels.layerNormForward(dx, dg, dbeta, dout, dmean, drstd, rows, c, eps);
        device.toHost(dout, out, 0, rows * c);
        if (mean != null) {
            device.toHost(dmean, mean, 0, rows);
        }
        if (rstd != null) {
            device.toHost(drstd, rstd, 0, rows);
        }
    }

    @Override
    public synchronized void layerNormBackward(float[] dout, float[] x, int rows, int c, float[] gamma,
                                               float[] mean, float[] rstd, float[] dx, float[] dgamma,
                                               float[] dbeta) {
        if (gamma == null || dx == null) {
            cpu.layerNormBackward(dout, x, rows, c, gamma, mean, rstd, dx, dgamma, dbeta);
            return;
        }
        long ddout = upload(Slot.DOUT, dout, rows * c);
        long dxIn = upload(Slot.X, x, rows * c);
        long dg = upload(Slot.GAMMA, gamma, c);
        long dmean = upload(Slot.MEAN, mean, rows);
        long drstd = upload(Slot.RSTD, rstd, rows);
        long ddx = buffer(Slot.DX, (long) rows * c);
        // dγ, dβ accumulate: start from the host's values, or from zeros that are then dropped
        long ddg = dgamma != null ? upload(Slot.DW, dgamma, c) : zeros(Slot.DW, c);
        long ddb = dbeta != null ? upload(Slot.DB, dbeta, c) : zeros(Slot.DB, c);
        long partial = workspace(Slot.PARTIAL, GpuKernels.layerNormPartialFloats(rows, c));
        kernels.layerNormBackward(ddout, dxIn, dg, dmean, drstd, ddx, ddg, ddb, partial, rows, c);
        device.toHost(ddx, dx, 0, rows * c);
        if (dgamma != null) {
            device.toHost(ddg, dgamma, 0, c);
        }
        if (dbeta != null) {
            device.toHost(ddb, dbeta, 0, c);
        }
    }

    /** Whether the attention kernels can do this call (see the class comment). */
    private static boolean attentionOnDevice(int d, float[] dropMask) {
        return dropMask == null && (d == 16 || d == 32 || d == 64);
    }

    @Override
    public synchronized void attention(float[] q, float[] k, float[] v, float[] keyMask, int b, int t, int h, int d,
                                       float[] probs, float[] dropMask, float[] out) {
        if (!attentionOnDevice(d, dropMask)) {
            cpu.attention(q, k, v, keyMask, b, t, h, d, probs, dropMask, out);
            return;
        }
        int btc = b * t * h * d;
        long dq = upload(Slot.Q, q, btc);
        long dk = upload(Slot.K, k, btc);
        long dv = upload(Slot.V, v, btc);
        long dmask = keyMask == null ? 0 : upload(Slot.KEY_MASK, keyMask, b * t);
        long dout = buffer(Slot.OUT, btc);
        long dlse = buffer(Slot.LSE, (long) b * h * t);
        long dprobs = probs == null ? 0 : buffer(Slot.PROBS, (long) b * h * t * t);
        kernels.attentionForward(dq, dk, dv, dmask, dout, dlse, dprobs, b, t, h, d, h * d, 0L, 0, 0L, 0.0);
        device.toHost(dout, out, 0, btc);
        if (probs != null) {
            device.toHost(dprobs, probs, 0, b * h * t * t);
        }
    }

    @Override
    public synchronized void attentionBackward(float[] dout, float[] q, float[] k, float[] v, float[] keyMask,
                                               int b, int t, int h, int d, float[] probs, float[] dropMask,
                                               float[] dq, float[] dk, float[] dv) {
        if (!attentionOnDevice(d, dropMask)) {
            cpu.attentionBackward(dout, q, k, v, keyMask, b, t, h, d, probs, dropMask, dq, dk, dv);
            return;
        }
        int btc = b * t * h * d;
        long ddout = upload(Slot.DOUT, dout, btc);
        long dQ = upload(Slot.Q, q, btc);
        long dK = upload(Slot.K, k, btc);
        long dV = upload(Slot.V, v, btc);
        long dmask = keyMask == null ? 0 : upload(Slot.KEY_MASK, keyMask, b * t);
        // the backward kernels need the forward's output and log-sum-exp, not its probabilities
        long out = buffer(Slot.OUT, btc);
        long lse = buffer(Slot.LSE, (long) b * h * t);
        kernels.attentionForward(dQ, dK, dV, dmask, out, lse, 0, b, t, h, d, h * d, 0L, 0, 0L, 0.0);
        long delta = buffer(Slot.DELTA, (long) b * h * t);
        long ddq = buffer(Slot.DQ, btc);
        long ddk = buffer(Slot.DK, btc);
        long ddv = buffer(Slot.DV, btc);
        kernels.attentionBackward(ddout, dQ, dK, dV, dmask, out, lse, delta, ddq, ddk, ddv, b, t, h, d, h * d,
                0L, 0, 0L, 0.0);
        device.toHost(ddq, dq, 0, btc);
        device.toHost(ddk, dk, 0, btc);
        device.toHost(ddv, dv, 0, btc);
    }

    /** Frees the per-operation pool (the device itself belongs to whoever opened it). */
    @Override
    public synchronized void close() {
        scratch.close();
    }

    // ------------------------------------------------------------------ buffers

    private long buffer(Slot slot, long floats) {
        try {
            return scratch.floats(slot, floats);
        } catch (DeviceOutOfMemoryException e) {
            throw CudaBackendModel.outOfMemory(e, "a buffer of " + floats + " floats for one operation");
        }
    }

    /** The first n floats of {@code host} in the slot's buffer. */
    private long upload(Slot slot, float[] host, int n) {
        long p = buffer(slot, n);
        if (n > 0) {
            device.toDevice(p, host, 0, n);
        }
        return p;
    }

    private long zeros(Slot slot, int n) {
        long p = buffer(slot, n);
        device.zero(p, (long) n * Float.BYTES);
        return p;
    }

    /** A workspace of {@code floats} floats, or 0 when none is needed. */
    private long workspace(Slot slot, long floats) {
        return floats == 0 ? 0 : buffer(slot, floats);
    }
}
