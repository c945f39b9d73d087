package dev.jbert.engine.train;

import dev.jbert.engine.cpu.Parallel;
import dev.jbert.engine.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Global gradient-norm clipping, {@code torch.nn.utils.clip_grad_norm_(params, max_norm)}
 * (norm type 2) as Hugging Face's Trainer calls it.
 *
 * <p>Like PyTorch, the total is the norm of the per-tensor norms: each gradient's
 * {@code ‖g‖₂} is rounded to float32, then {@code total = ‖(‖g₁‖, ‖g₂‖, …)‖₂}, rounded to
 * float32. The sums of squares are accumulated in double (PyTorch accumulates in float32 with
 * its own vectorised order), so the total agrees with PyTorch's to float32 rounding and does
 * not depend on the thread count. Then, in float32 as PyTorch:
 * {@code coef = (1 / (total + 1e-6f)) · (float) maxNorm} (Python's {@code max_norm / tensor} is
 * {@code tensor.reciprocal() * max_norm}), {@code coef = min(coef, 1)}, and every
 * gradient is multiplied by {@code coef} — always, by exactly 1 when not clipping (an exact
 * no-op). Hence gradients are scaled exactly when {@code total + 1e-6 > maxNorm} in float32,
 * i.e. when {@code total > maxNorm} but for totals within 1e-6 below it. A NaN total makes
 * every gradient NaN, an infinite one zeroes the finite ones (PyTorch's
 * {@code error_if_nonfinite=False}).
 *
 * <p>Only parameters that have a gradient count ({@code hasGrad()}).
 */
public final class GradClip {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Elements per unit of parallel work (fixed, so sums do not depend on the thread count). */
    private static final int CHUNK = 1 << 15;

    private GradClip() {
    }

    /**
     * Clips the gradients of {@code params} to global norm {@code maxNorm} and returns the norm
     * before clipping. {@code maxNorm} that is not a finite positive number (HF's
     * {@code max_grad_norm} of 0 or None) disables the clipping; the norm is still returned.
     */
    public static float clipGradNorm(List<Parameter> params, double maxNorm) {
        List<float[]> grads = gradients(params);
        float total = totalNorm(grads);
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            return total;
        }
        float coef = (1.0f / (total + 1e-6f)) * (float) maxNorm;
        float clamped = Math.min(coef, 1.0f);
        scale(grads, clamped);
        return total;
    }

    /** The global gradient norm of {@code params}, computed as {@link #clipGradNorm} does, without clipping. */
    public static float globalNorm(List<Parameter> params) {
        return totalNorm(gradients(params));
    }

    private static List<float[]> gradients(List<Parameter> params) {
        List<float[]> grads = new ArrayList<>();
        for (Parameter p : params) {
            if (p.hasGrad()) {
                grads.add(p.grad().data());
            }
        }
        return grads;
    }

    private static float totalNorm(List<float[]> grads) {
        int[][] chunks = chunks(grads);
        double[] partial = new double[chunks.length];
        Parallel.forRange(chunks.length, 1, (from, to, c) -> {
            for (int k = from; k < to; k++) {
                partial[k] = sumOfSquares(grads.get(chunks[k][0]), chunks[k][1], chunks[k][2]);
            }
        });
        double totalSq = 0;
        int k = 0;
        for (int t = 0; t < grads.size(); t++) {
            double sq = 0;
            for (; k < chunks.length && chunks[k][0] == t; k++) {
                sq += partial[k];
            }
            float norm = (float) Math.sqrt(sq);
            totalSq += (double) norm * norm;
        }
        return (float) Math.sqrt(totalSq);
    }

    private static void scale(List<float[]> grads, float coef) {
        int[][] chunks = chunks(grads);
        Parallel.forRange(chunks.length, 1, (from, to, c) -> {
            for (int k = from; k < to; k++) {
                float[] g = grads.get(chunks[k][0]);
                int j = chunks[k][1];
                int end = chunks[k][2];
                for (int bound = j + F.loopBound(end - j); j < bound; j += F.length()) {
                    FloatVector.fromArray(F, g, j).mul(coef).intoArray(g, j);
                }
                for (; j < end; j++) {
                    g[j] *= coef;
                }
            }
        });
    }

    /** {tensor index, start, end} for fixed-size pieces of every tensor, in order. */
    private static int[][] chunks(List<float[]> grads) {
        List<int[]> list = new ArrayList<>();
        for (int t = 0; t < grads.size(); t++) {
            int n = grads.get(t).length;
            for (int s = 0; s < n; s += CHUNK) {
                list.add(new int[] {t, s, Math.min(n, s + CHUNK)});
            }
        }
        return list.toArray(new int[0][]);
    }

    /** Σ g[j]² over [from, to) in double, four interleaved partial sums. */
    private static double sumOfSquares(float[] g, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = from;
        for (; j + 4 <= to; j += 4) {
            double a = g[j];
            double b = g[j + 1];
            double c = g[j + 2];
            double d = g[j + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; j < to; j++) {
            double a = g[j];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
