package dev.jbert.engine.cpu;

import static dev.jbert.engine.cpu.VectorOps.F;
import static dev.jbert.engine.cpu.VectorOps.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * LayerNorm over the last dimension, forward and backward, float32, PyTorch semantics:
 * {@code y = (x − mean)·rstd·γ + β} with the biased variance and {@code rstd = 1/√(var + eps)}.
 *
 * <p>Rows are independent and split over {@link Parallel}'s threads; the inner loops are Vector
 * API loops over the C columns. Mean and variance take two passes over the row (mean first, then
 * Σ(x − mean)²), which avoids the cancellation of the one-pass E[x²] − mean² formula.
 *
 * <p>The backward pass reduces dγ and dβ over rows. Rows are cut into a fixed number of slabs
 * that depends only on {@code rows}, never on the thread count; each slab sums into its own
 * partial buffer and the partials are added in slab order at the end. So the result is
 * thread-safe without locks and bitwise identical for any number of threads.
 */
public final class LayerNormKernel {
    /** Number of row slabs of the dγ/dβ reduction (fixed so that results do not depend on threads). */
    static final int SLABS = 32;

    private LayerNormKernel() {
    }

    /**
     * Forward pass.
     *
     * @param x     input [rows, C]
     * @param gamma weight [C]
     * @param beta  bias [C]
     * @param out   output [rows, C]; may be the same array as {@code x}
     * @param mean  per-row mean [rows], written; null when not needed (inference)
     * @param rstd  per-row 1/√(var + eps) [rows], written; null when not needed
     */
    public static void forward(float[] x, int rows, int C, float[] gamma, float[] beta, float eps,
                               float[] out, float[] mean, float[] rstd) {
        checkShapes(rows, C);
        need("x", x, (long) rows * C);
        need("gamma", gamma, C);
        need("beta", beta, C);
        need("out", out, (long) rows * C);
        if (mean != null) {
            need("mean", mean, rows);
        }
        if (rstd != null) {
            need("rstd", rstd, rows);
        }
        if (!(eps >= 0f)) {
            throw new IllegalArgumentException("layernorm eps must be >= 0, got " + eps);
        }
        Parallel.forRange(rows, minRows(C), (start, end, chunk) -> {
            for (int r = start; r < end; r++) {
                forwardRow(x, r * C, C, gamma, beta, eps, out, mean, rstd, r);
            }
        });
    }

    private static void forwardRow(float[] x, int off, int C, float[] gamma, float[] beta, float eps,
                                   float[] out, float[] mean, float[] rstd, int r) {
        final int bound = F.loopBound(C);
        final float m = VectorOps.sum(x, off, C) / C;
        // second pass: Σ (x − mean)²
        FloatVector mv = FloatVector.broadcast(F, m);
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(F, x, off + j).sub(mv);
            acc = d.fma(d, acc);
        }
        if (j < C) {
            VectorMask<Float> mk = F.indexInRange(j, C);
            // masked-off lanes load 0, so (0 − mean) must be zeroed before squaring
            FloatVector d = FloatVector.fromArray(F, x, off + j, mk).sub(mv, mk);
            acc = d.fma(d, acc);
        }
        final float var = VectorOps.sumLanes(acc) / C;
        final float rs = (float) (1.0 / Math.sqrt((double) var + eps));
        if (mean != null) {
            mean[r] = m;
        }
        if (rstd != null) {
            rstd[r] = rs;
        }
        FloatVector rv = FloatVector.broadcast(F, rs);
        j = 0;
        for (; j < bound; j += L) {
            FloatVector n = FloatVector.fromArray(F, x, off + j).sub(mv).mul(rv);
            n.fma(FloatVector.fromArray(F, gamma, j), FloatVector.fromArray(F, beta, j)).intoArray(out, off + j);
        }
        if (j < C) {
            VectorMask<Float> mk = F.indexInRange(j, C);
            FloatVector n = FloatVector.fromArray(F, x, off + j, mk).sub(mv).mul(rv);
            n.fma(FloatVector.fromArray(F, gamma, j, mk), FloatVector.fromArray(F, beta, j, mk))
                    .intoArray(out, off + j, mk);
        }
    }

    /**
     * Backward pass (llm.c's formulation). With n = (x − mean)·rstd and g = dout·γ:
     * {@code dx = (g − mean(g) − n·mean(g·n))·rstd}, {@code dγ += Σ_rows dout·n}, {@code dβ += Σ_rows dout}.
     *
     * @param dout   gradient of the output [rows, C]
     * @param x      the forward input [rows, C]
     * @param mean   the forward's per-row mean [rows]
     * @param rstd   the forward's per-row rstd [rows]
     * @param dx     gradient of the input [rows, C], overwritten; may be the same array as {@code dout}
     * @param dgamma [C], accumulated (+=)
     * @param dbeta  [C], accumulated (+=)
     */
    public static void backward(float[] dout, float[] x, int rows, int C, float[] gamma, float[] mean, float[] rstd,
                                float[] dx, float[] dgamma, float[] dbeta) {
        checkShapes(rows, C);
        need("dout", dout, (long) rows * C);
        need("x", x, (long) rows * C);
        need("gamma", gamma, C);
        need("mean", mean, rows);
        need("rstd", rstd, rows);
        need("dx", dx, (long) rows * C);
        need("dgamma", dgamma, C);
        need("dbeta", dbeta, C);
        if (rows == 0 || C == 0) {
            return;
        }
        final int slabs = Math.min(rows, SLABS);
        // [slabs][2][C]: dγ partial then dβ partial of each slab
        final float[] partial = new float[slabs * 2 * C];
        int minSlabs = Math.max(1, (slabs * minRows(C) + rows - 1) / rows);
        Parallel.forRange(slabs, minSlabs, (s0, s1, chunk) -> {
            for (int s = s0; s < s1; s++) {
                int r0 = (int) ((long) rows * s / slabs);
                int r1 = (int) ((long) rows * (s + 1) / slabs);
                int pg = s * 2 * C;
                int pb = pg + C;
                for (int r = r0; r < r1; r++) {
                    backwardRow(dout, x, r * C, C, gamma, mean[r], rstd[r], dx, partial, pg, pb);
                }
            }
        });
        // add the slab partials in slab order: deterministic, independent of the thread count
        int j = 0;
        for (; j < C; j += L) {
            VectorMask<Float> mk = F.indexInRange(j, C);
            FloatVector g = FloatVector.zero(F);
            FloatVector b = FloatVector.zero(F);
            for (int s = 0; s < slabs; s++) {
                g = g.add(FloatVector.fromArray(F, partial, s * 2 * C + j, mk));
                b = b.add(FloatVector.fromArray(F, partial, s * 2 * C + C + j, mk));
            }
            g.add(FloatVector.fromArray(F, dgamma, j, mk)).intoArray(dgamma, j, mk);
            b.add(FloatVector.fromArray(F, dbeta, j, mk)).intoArray(dbeta, j, mk);
        }
    }

    private static void backwardRow(float[] dout, float[] x, int off, int C, float[] gamma, float m, float rs,
                                    float[] dx, float[] partial, int pg, int pb) {
        final int bound = F.loopBound(C);
        final FloatVector mv = FloatVector.broadcast(F, m);
        final FloatVector rv = FloatVector.broadcast(F, rs);
        // pass 1: the two row means, and the dγ/dβ partials
        FloatVector sg = FloatVector.zero(F);
        FloatVector sgn = FloatVector.zero(F);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(F, dout, off + j);
            FloatVector n = FloatVector.fromArray(F, x, off + j).sub(mv).mul(rv);
            FloatVector g = d.mul(FloatVector.fromArray(F, gamma, j));
            sg = sg.add(g);
            sgn = g.fma(n, sgn);
            d.fma(n, FloatVector.fromArray(F, partial, pg + j)).intoArray(partial, pg + j);
            d.add(FloatVector.fromArray(F, partial, pb + j)).intoArray(partial, pb + j);
        }
        if (j < C) {
            VectorMask<Float> mk = F.indexInRange(j, C);
            // masked-off lanes: d = 0 and γ = 0, so g = 0 and g·n = 0 whatever n is
            FloatVector d = FloatVector.fromArray(F, dout, off + j, mk);
            FloatVector n = FloatVector.fromArray(F, x, off + j, mk).sub(mv).mul(rv);
            FloatVector g = d.mul(FloatVector.fromArray(F, gamma, j, mk));
            sg = sg.add(g);
            sgn = g.fma(n, sgn);
            d.fma(n, FloatVector.fromArray(F, partial, pg + j, mk)).intoArray(partial, pg + j, mk);
            d.add(FloatVector.fromArray(F, partial, pb + j, mk)).intoArray(partial, pb + j, mk);
        }
        final FloatVector meanG = FloatVector.broadcast(F, VectorOps.sumLanes(sg) / C);
        final FloatVector meanGN = FloatVector.broadcast(F, VectorOps.sumLanes(sgn) / C);
        // pass 2: dx (reads dout again, so dx may alias dout)
        j = 0;
        for (; j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(F, dout, off + j);
            FloatVector n = FloatVector.fromArray(F, x, off + j).sub(mv).mul(rv);
            FloatVector g = d.mul(FloatVector.fromArray(F, gamma, j));
            g.sub(meanG).sub(n.mul(meanGN)).mul(rv).intoArray(dx, off + j);
        }
        if (j < C) {
            VectorMask<Float> mk = F.indexInRange(j, C);
            FloatVector d = FloatVector.fromArray(F, dout, off + j, mk);
            FloatVector n = FloatVector.fromArray(F, x, off + j, mk).sub(mv).mul(rv);
            FloatVector g = d.mul(FloatVector.fromArray(F, gamma, j, mk));
            g.sub(meanG).sub(n.mul(meanGN)).mul(rv).intoArray(dx, off + j, mk);
        }
    }

    /** Rows per parallel chunk: about 16k elements, so that a chunk outweighs the hand-off. */
    private static int minRows(int C) {
        return Math.max(1, (1 << 14) / Math.max(1, C));
    }

    private static void checkShapes(int rows, int C) {
        if (rows < 0 || C <= 0) {
            throw new IllegalArgumentException("layernorm needs rows >= 0 and C > 0, got rows=" + rows + ", C=" + C);
        }
    }

    private static void need(String name, float[] a, long n) {
        if (a == null) {
            throw new IllegalArgumentException("layernorm: " + name + " is null");
        }
        if (a.length < n) {
            throw new IllegalArgumentException("layernorm: " + name + " needs at least " + n
                    + " floats, got " + a.length);
        }
    }
}
