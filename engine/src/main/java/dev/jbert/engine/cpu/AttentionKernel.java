package dev.jbert.engine.cpu;

import static dev.jbert.engine.cpu.VectorOps.F;
import static dev.jbert.engine.cpu.VectorOps.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Scaled dot-product self-attention with a key padding mask, forward and backward, float32:
 * Hugging Face BERT/DistilBERT "eager" attention, after the query/key/value projections and
 * before the output projection.
 *
 * <p>Layout: q, k, v and out are [B, T, C] row-major with C = H·D; head h owns columns
 * h·D .. h·D+D−1 (exactly how the Linear outputs come out, so no permute is needed).
 * {@code keyMask} is [B, T]: 1 for a real token, 0 for padding (null: all real; any non-zero
 * value counts as real).
 *
 * <pre>
 *   scores[b,h,i,j] = (q_i · k_j)·scale, scale = 1/√D
 *   probs[b,h,i,:]  = softmax over the real keys j; exactly 0 at padded keys
 *   out[b,i,h·D+d]  = Σ_j probs[b,h,i,j]·dropMask[b,h,i,j]·v[b,j,h·D+d]
 * </pre>
 *
 * HF adds float32.min to the scores of padded keys, which gives them probability exactly 0;
 * here they are left out of the max and the sum instead, with the same result. Padded query
 * rows are computed like any other. A row whose keys are all padded (which cannot happen with
 * [CLS] in every sequence) gets all-zero probabilities and a zero output, where HF would give a
 * uniform 1/T.
 *
 * <p>Work is split over the B·H (batch, head) pairs. Within a pair the kernel works as small
 * register-blocked matrix products ({@link VectorOps#matmul}): Kᵀ (and Vᵀ in the backward) is
 * transposed once into per-thread scratch so that a block of four query rows times Kᵀ yields
 * four score rows vectorised along the keys; the softmax is vectorised along the keys too
 * (a polynomial exp built from exactly rounded lane operations, so results do not depend on
 * the JIT; see {@link VectorOps}). The forward is fused by blocks of four query rows, so with
 * {@code probs == null} it needs only 4·T floats of probabilities. Trailing padded keys (right
 * padding, the usual batch layout) are not computed at all: their probabilities are written as
 * 0 and their dk, dv rows as 0. Scratch arrays are per thread and reused; nothing is allocated
 * per (b, h).
 */
public final class AttentionKernel {
    /** Query rows processed together (the row blocking of {@link VectorOps#matmul}). */
    private static final int ROWS = 4;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private AttentionKernel() {
    }

    /**
     * Forward pass.
     *
     * @param q        queries [B, T, C], C = H·D
     * @param k        keys [B, T, C]
     * @param v        values [B, T, C]
     * @param keyMask  [B, T], 1 real / 0 padding; null = no padding
     * @param probs    [B, H, T, T] output: softmax probabilities before dropout (kept for the
     *                 backward pass); null in pure inference
     * @param dropMask [B, H, T, T] holding 0 or 1/(1−p); null = no dropout
     * @param out      [B, T, C] output, overwritten
     */
    public static void forward(float[] q, float[] k, float[] v, float[] keyMask, int B, int T, int H, int D,
                               float[] probs, float[] dropMask, float[] out) {
        checkShapes(B, T, H, D);
        final int C = H * D;
        final long btc = (long) B * T * C;
        final long bhtt = (long) B * H * T * T;
        need("q", q, btc);
        need("k", k, btc);
        need("v", v, btc);
        need("out", out, btc);
        if (keyMask != null) {
            need("keyMask", keyMask, (long) B * T);
        }
        if (probs != null) {
            need("probs", probs, bhtt);
        }
        if (dropMask != null) {
            need("dropMask", dropMask, bhtt);
        }
        final float scale = (float) (1.0 / Math.sqrt(D));
        Parallel.forRange(B * H, 1, (start, end, chunk) -> {
            Scratch s = SCRATCH.get();
            float[] kT = s.kT(D * T);
            float[] rowBuf = s.rows(ROWS * T);
            float[] dropBuf = dropMask != null ? s.dropped(ROWS * T) : null;
            for (int bh = start; bh < end; bh++) {
                forwardHead(q, k, v, keyMask, bh / H, bh % H, T, H, D, scale, probs, dropMask, out,
                        kT, rowBuf, dropBuf);
            }
        });
    }

    private static void forwardHead(float[] q, float[] k, float[] v, float[] keyMask, int b, int h,
                                    int T, int H, int D, float scale, float[] probs, float[] dropMask,
                                    float[] out, float[] kT, float[] rowBuf, float[] dropBuf) {
        final int C = H * D;
        final int base = b * T * C + h * D;          // element (t, d) of this head: base + t·C + d
        final int maskOff = b * T;
        final int pBase = (b * H + h) * T * T;       // probs[b, h, 0, 0]
        final int n = keyEnd(keyMask, maskOff, T);   // keys n..T−1 are padding: skipped, P = 0
        VectorOps.transpose(k, base, n, D, C, kT, 0, T);  // kT [D, T], first n columns
        for (int i0 = 0; i0 < T; i0 += ROWS) {
            final int mr = Math.min(ROWS, T - i0);
            final float[] p;
            final int pOff;
            if (probs != null) {
                p = probs;
                pOff = pBase + i0 * T;
            } else {
                p = rowBuf;
                pOff = 0;
            }
            // raw scores of mr query rows: [mr, D] · [D, n]
            VectorOps.matmul(mr, n, D, q, base + i0 * C, C, 1, kT, 0, T, p, pOff, T, false);
            for (int r = 0; r < mr; r++) {
                softmaxRow(p, pOff + r * T, n, scale, keyMask, maskOff);
                java.util.Arrays.fill(p, pOff + r * T + n, pOff + (r + 1) * T, 0f);
            }
            float[] a = p;
            int aOff = pOff;
            if (dropMask != null) {
                multiply(p, pOff, dropMask, pBase + i0 * T, dropBuf, 0, mr * T);
                a = dropBuf;
                aOff = 0;
            }
            // out rows: [mr, n] · V [n, D]
            VectorOps.matmul(mr, D, n, a, aOff, T, 1, v, base, C, out, base + i0 * C, C, false);
        }
    }

    /**
     * One past the last real key of a batch row (T without a mask; 0 when all keys are padding).
     * With right padding, the usual case, every key from there on is padding and is skipped
     * outright; padding elsewhere is handled by the mask inside the softmax.
     */
    private static int keyEnd(float[] keyMask, int maskOff, int T) {
        if (keyMask == null) {
            return T;
        }
        int n = T;
        while (n > 0 && keyMask[maskOff + n - 1] == 0f) {
            n--;
        }
        return n;
    }

    /**
     * In place: s[j] ← softmax_j(s[j]·scale) over the real keys, 0 at padded ones. An all-padded
     * row becomes all zeros.
     */
    static void softmaxRow(float[] s, int off, int T, float scale, float[] keyMask, int maskOff) {
        final FloatVector sc = FloatVector.broadcast(F, scale);
        final FloatVector ninf = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        final FloatVector zero = FloatVector.zero(F);
        FloatVector vmax = ninf;
        // pass 1: scale, padded keys to −∞, running max
        for (int j = 0; j < T; j += L) {
            VectorMask<Float> in = F.indexInRange(j, T);
            FloatVector x = FloatVector.fromArray(F, s, off + j, in).mul(sc);
            VectorMask<Float> real = in;
            if (keyMask != null) {
                real = real.and(FloatVector.fromArray(F, keyMask, maskOff + j, in).compare(VectorOperators.NE, 0f));
            }
            x = ninf.blend(x, real);
            x.intoArray(s, off + j, in);
            vmax = vmax.max(x);
        }
        final float max = vmax.reduceLanes(VectorOperators.MAX);
        if (max == Float.NEGATIVE_INFINITY) {
            for (int j = 0; j < T; j++) {
                s[off + j] = 0f;
            }
            return;
        }
        // pass 2: e = exp(x − max) at real keys, exactly 0 at padded ones; Σ e
        final FloatVector mv = FloatVector.broadcast(F, max);
        FloatVector vsum = zero;
        for (int j = 0; j < T; j += L) {
            VectorMask<Float> in = F.indexInRange(j, T);
            FloatVector x = FloatVector.fromArray(F, s, off + j, in);
            VectorMask<Float> real = in.and(x.compare(VectorOperators.NE, Float.NEGATIVE_INFINITY));
            FloatVector e = zero.blend(VectorOps.exp(x.sub(mv)), real);
            e.intoArray(s, off + j, in);
            vsum = vsum.add(e);
        }
        // pass 3: normalise (×1/Σ, as PyTorch's vectorised softmax does)
        final FloatVector inv = FloatVector.broadcast(F, 1f / VectorOps.sumLanes(vsum));
        for (int j = 0; j < T; j += L) {
            VectorMask<Float> in = F.indexInRange(j, T);
            FloatVector.fromArray(F, s, off + j, in).mul(inv).intoArray(s, off + j, in);
        }
    }

    /**
     * Backward pass. With P = probs, M = dropMask (1 without dropout), S the scaled scores:
     * <pre>
     *   dP  = (dout · vᵀ) ⊙ M
     *   dS  = P ⊙ (dP − Σ_j P·dP) · scale
     *   dq  = dS · k,   dk = dSᵀ · q,   dv = (P ⊙ M)ᵀ · dout
     * </pre>
     * Padded keys have P = 0, hence exactly zero dS and zero contributions to dk and dv.
     *
     * @param dout  gradient of the output [B, T, C]
     * @param probs the forward's probabilities [B, H, T, T] (required)
     * @param dq    [B, T, C], overwritten
     * @param dk    [B, T, C], overwritten
     * @param dv    [B, T, C], overwritten
     */
    public static void backward(float[] dout, float[] q, float[] k, float[] v, float[] keyMask, int B, int T, int H,
                                int D, float[] probs, float[] dropMask, float[] dq, float[] dk, float[] dv) {
        checkShapes(B, T, H, D);
        final int C = H * D;
        final long btc = (long) B * T * C;
        final long bhtt = (long) B * H * T * T;
        need("dout", dout, btc);
        need("q", q, btc);
        need("k", k, btc);
        need("v", v, btc);
        need("probs", probs, bhtt);
        need("dq", dq, btc);
        need("dk", dk, btc);
        need("dv", dv, btc);
        if (keyMask != null) {
            need("keyMask", keyMask, (long) B * T);
        }
        if (dropMask != null) {
            need("dropMask", dropMask, bhtt);
        }
        final float scale = (float) (1.0 / Math.sqrt(D));
        Parallel.forRange(B * H, 1, (start, end, chunk) -> {
            Scratch s = SCRATCH.get();
            float[] vT = s.kT(D * T);
            float[] dS = s.scores(T * T);
            float[] pd = dropMask != null ? s.dropped(T * T) : null;
            for (int bh = start; bh < end; bh++) {
                backwardHead(dout, q, k, v, keyMask, bh / H, bh % H, T, H, D, scale, probs, dropMask, dq, dk, dv,
                        vT, dS, pd);
            }
        });
    }

    private static void backwardHead(float[] dout, float[] q, float[] k, float[] v, float[] keyMask, int b, int h,
                                     int T, int H, int D, float scale, float[] probs, float[] dropMask,
                                     float[] dq, float[] dk, float[] dv, float[] vT, float[] dS, float[] pd) {
        final int C = H * D;
        final int base = b * T * C + h * D;
        final int pBase = (b * H + h) * T * T;
        final int n = keyEnd(keyMask, b * T, T);     // keys n..T−1: P = 0, so dS = 0 and no dk, dv
        VectorOps.transpose(v, base, n, D, C, vT, 0, T);  // vT [D, T], first n columns
        // dPd = dout · vᵀ, all query rows at once: [T, D] · [D, n]
        VectorOps.matmul(T, n, D, dout, base, C, 1, vT, 0, T, dS, 0, T, false);
        for (int i = 0; i < T; i++) {
            softmaxBackwardRow(probs, pBase + i * T, dS, i * T, dropMask, pd, n, scale);
        }
        // dq = dS · k: [T, n] · [n, D]
        VectorOps.matmul(T, D, n, dS, 0, T, 1, k, base, C, dq, base, C, false);
        // dk = dSᵀ · q: [n, T] · [T, D]
        VectorOps.matmul(n, D, T, dS, 0, 1, T, q, base, C, dk, base, C, false);
        // dv = (P ⊙ M)ᵀ · dout: [n, T] · [T, D]
        if (pd != null) {
            VectorOps.matmul(n, D, T, pd, 0, 1, T, dout, base, C, dv, base, C, false);
        } else {
            VectorOps.matmul(n, D, T, probs, pBase, 1, T, dout, base, C, dv, base, C, false);
        }
        for (int j = n; j < T; j++) {
            java.util.Arrays.fill(dk, base + j * C, base + j * C + D, 0f);
            java.util.Arrays.fill(dv, base + j * C, base + j * C + D, 0f);
        }
    }

    /**
     * One row: d (holding dPd = dout·vᵀ on entry) becomes dS; with dropout also writes
     * pd = P ⊙ M (same offset as d) and applies M to dPd first.
     */
    private static void softmaxBackwardRow(float[] p, int pOff, float[] d, int dOff, float[] dropMask, float[] pd,
                                           int T, float scale) {
        FloatVector dotv = FloatVector.zero(F);
        final int mOff = pOff;
        for (int j = 0; j < T; j += L) {
            VectorMask<Float> in = F.indexInRange(j, T);
            FloatVector pv = FloatVector.fromArray(F, p, pOff + j, in);
            FloatVector dp = FloatVector.fromArray(F, d, dOff + j, in);
            if (dropMask != null) {
                FloatVector m = FloatVector.fromArray(F, dropMask, mOff + j, in);
                dp = dp.mul(m);
                dp.intoArray(d, dOff + j, in);
                pv.mul(m).intoArray(pd, dOff + j, in);
            }
            dotv = pv.fma(dp, dotv);
        }
        final FloatVector dot = FloatVector.broadcast(F, VectorOps.sumLanes(dotv));
        final FloatVector sc = FloatVector.broadcast(F, scale);
        for (int j = 0; j < T; j += L) {
            VectorMask<Float> in = F.indexInRange(j, T);
            FloatVector pv = FloatVector.fromArray(F, p, pOff + j, in);
            FloatVector dp = FloatVector.fromArray(F, d, dOff + j, in);
            pv.mul(dp.sub(dot)).mul(sc).intoArray(d, dOff + j, in);
        }
    }

    /** c[cOff + j] = a[aOff + j]·b[bOff + j] for j &lt; n. */
    private static void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int n) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> in = F.indexInRange(j, n);
            FloatVector.fromArray(F, a, aOff + j, in).mul(FloatVector.fromArray(F, b, bOff + j, in))
                    .intoArray(c, cOff + j, in);
        }
    }

    private static void checkShapes(int B, int T, int H, int D) {
        if (B < 0 || T < 0 || H <= 0 || D <= 0) {
            throw new IllegalArgumentException("attention needs B >= 0, T >= 0, H > 0, D > 0, got B=" + B
                    + ", T=" + T + ", H=" + H + ", D=" + D);
        }
        if ((long) B * H * T * T > Integer.MAX_VALUE - 8 || (long) B * T * H * D > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("attention shape B=" + B + ", T=" + T + ", H=" + H + ", D=" + D
                    + " is too large for float[] buffers");
        }
    }

    private static void need(String name, float[] a, long n) {
        if (a == null) {
            throw new IllegalArgumentException("attention: " + name + " is null");
        }
        if (a.length < n) {
            throw new IllegalArgumentException("attention: " + name + " needs at least " + n
                    + " floats, got " + a.length);
        }
    }

    /** Per-thread scratch, grown on demand and reused across calls. */
    private static final class Scratch {
        private float[] kT = new float[0];
        private float[] rows = new float[0];
        private float[] dropped = new float[0];
        private float[] scores = new float[0];

        float[] kT(int n) {
            if (kT.length < n) {
                kT = new float[n];
            }
            return kT;
        }

        float[] rows(int n) {
            if (rows.length < n) {
                rows = new float[n];
            }
            return rows;
        }

        float[] dropped(int n) {
            if (dropped.length < n) {
                dropped = new float[n];
            }
            return dropped;
        }

        float[] scores(int n) {
            if (scores.length < n) {
                scores = new float[n];
            }
            return scores;
        }
    }
}
