package dev.jbert.kernels.ops;

import static dev.jbert.kernels.ops.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jbert.engine.backend.CpuBackend;
import dev.jbert.engine.train.DropoutRng;
import dev.jbert.kernels.cuda.Bf16;
import dev.jbert.kernels.testing.TestDevices;
import dev.jbert.kernels.testing.TestDevices.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bf16 tensor-core attention kernels ({@code attention_forward_bf16_d32/_d64}, then the Δ,
 * {@code attention_backward_dkdv_bf16_*} and {@code attention_backward_dq_bf16_*} kernels, through
 * {@link GpuKernels#attentionForward(Precision, long, long, long, long, long, long, long, int, int,
 * int, int, int, long, int, long, double)} with {@link Precision#BF16}) against the CPU engine's
 * float32 attention: padded keys, a sequence with no real token, no mask, a fused QKV buffer, T
 * below, at and above the 64-key tile, both head sizes, attention dropout off and on (the CPU gets
 * the {@link DropoutRng} mask the kernels draw element by element).
 *
 * <p>Two references. (1) The float32 CPU attention on the float32 inputs: relative error ≤ 2e-2
 * for the output and the probabilities, ≤ 3e-2 for dq, dk, dv, ≤ 1e-2 for the finite lse values
 * (the all-padded rows must be +∞ on both sides); on the emulator these come out near 3e-3 and
 * 4e-3. (2) The same CPU attention on q, k, v, dout first rounded to bf16, which removes the input
 * rounding the kernels do by design. The scores are then exact products of bf16 values summed in
 * float32, so probs and lse must agree to 1e-4 (measured ~1e-7); what is left in out, dq, dk, dv
 * is the bf16 rounding of P and dS inside the kernels, bounded by 4e-3 and 5e-3 (measured ≤ 1.5e-3
 * and ≤ 2e-3). A kernel that rounded anything else (the softmax statistics, Δ, an accumulator, the
 * dropout scale) or mis-indexed a fragment breaks these tight bounds even where it would pass (1).
 */
class AttentionBf16KernelsTest {
    private static final CpuBackend CPU = new CpuBackend();
    private static final double OUT_TOL = 2e-2;
    private static final double GRAD_TOL = 3e-2;
    private static final double LSE_TOL = 1e-2;
    private static final double ROUNDED_SCORE_TOL = 1e-4;
    private static final double ROUNDED_OUT_TOL = 4e-3;
    private static final double ROUNDED_GRAD_TOL = 5e-3;

    private static final List<AttentionCase> CASES = List.of(
            new AttentionCase(2, 13, 2, 32, new int[] {13, 9}, false),
            new AttentionCase(3, 37, 1, 64, new int[] {37, 20, 0}, true),
            new AttentionCase(1, 64, 2, 64, null, false),
            new AttentionCase(2, 37, 1, 32, new int[] {1, 37}, true),
            new AttentionCase(1, 80, 1, 32, new int[] {71}, false));

    static Stream<Arguments> cases() {
        return AttentionCase.arguments(CASES);
    }

    /** The CPU engine's attention, forward and backward, on one set of inputs. */
    private record Reference(float[] out, float[] probs, float[] lse, float[] dq, float[] dk, float[] dv) {
        static Reference of(float[] q, float[] k, float[] v, float[] dout, float[] keyMask, float[] dropMask, AttentionCase c) {
            int n = c.b() * c.t() * c.h() * c.d();
            float[] probs = new float[c.b() * c.h() * c.t() * c.t()];
            float[] out = new float[n];
            CPU.attention(q, k, v, keyMask, c.b(), c.t(), c.h(), c.d(), probs, dropMask, out);
            float[] dq = new float[n];
            float[] dk = new float[n];
            float[] dv = new float[n];
            CPU.attentionBackward(dout, q, k, v, keyMask, c.b(), c.t(), c.h(), c.d(), probs, dropMask, dq, dk, dv);
            return new Reference(out, probs, logSumExp(q, k, keyMask, c), dq, dk, dv);
        }
    }

    /** lse[b,h,i] = log Σ_j exp(s_ij) over the real keys, s = q·k·(float) (1/√D), in double; +∞ with no real key. */
    static float[] logSumExp(float[] q, float[] k, float[] keyMask, AttentionCase c) {
        int t = c.t();
        int d = c.d();
        int cols = c.h() * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        float[] lse = new float[c.b() * c.h() * t];
        double[] s = new double[t];
        for (int bi = 0; bi < c.b(); bi++) {
            for (int hi = 0; hi < c.h(); hi++) {
                for (int i = 0; i < t; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        s[j] = Double.NEGATIVE_INFINITY;
                        if (keyMask == null || keyMask[bi * t + j] != 0f) {
                            double dot = 0;
                            for (int x = 0; x < d; x++) {
                                dot += (double) q[(bi * t + i) * cols + hi * d + x] * k[(bi * t + j) * cols + hi * d + x];
                            }
                            s[j] = dot * scale;
                            max = Math.max(max, s[j]);
                        }
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        sum += s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                    }
                    lse[(bi * c.h() + hi) * t + i] = sum == 0 ? Float.POSITIVE_INFINITY : (float) (max + Math.log(sum));
                }
            }
        }
        return lse;
    }

    private static float[] roundedToBf16(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Bf16.round(a[i]);
        }
        return r;
    }

    /** The finite entries of got and want (+∞ must meet +∞: the rows with no real key). */
    private static void assertLseClose(String what, float[] got, float[] want, double tol, String context) {
        List<Integer> finite = new ArrayList<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i] == Float.POSITIVE_INFINITY) {
                assertEquals(Float.POSITIVE_INFINITY, got[i], what + "[" + i + "] of a row with no real key (" + context + ")");
            } else {
                finite.add(i);
            }
        }
        float[] g = new float[finite.size()];
        float[] w = new float[finite.size()];
        for (int x = 0; x < g.length; x++) {
            g[x] = got[finite.get(x)];
            w[x] = want[finite.get(x)];
        }
        assertClose(what, g, w, tol, context);
    }

    @ParameterizedTest(name = "{0} {1} p={2}")
    @MethodSource("cases")
    void forwardAndBackwardMatchCpu(Target target, AttentionCase c, double p, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        long seed = Agreement.seed(700 + 2 * index + (p > 0 ? 1 : 0));
        String context = "seed " + seed + ", " + c + ", p " + p + ", " + target;
        AttentionCase.Inputs in = c.random(seed, p);
        Reference exact = Reference.of(in.q(), in.k(), in.v(), in.dout(), in.keyMask(), in.dropMask(), c);
        Reference rounded = Reference.of(roundedToBf16(in.q()), roundedToBf16(in.k()), roundedToBf16(in.v()),
                roundedToBf16(in.dout()), in.keyMask(), in.dropMask(), c);

        AttentionCase.Results got = c.run(gk, Precision.BF16, in, p);
        assertClose("out", got.out(), exact.out(), OUT_TOL, context);
        assertClose("probs", got.probs(), exact.probs(), OUT_TOL, context);
        assertLseClose("lse", got.lse(), exact.lse(), LSE_TOL, context);
        assertClose("out (bf16 inputs)", got.out(), rounded.out(), ROUNDED_OUT_TOL, context);
        assertClose("probs (bf16 inputs)", got.probs(), rounded.probs(), ROUNDED_SCORE_TOL, context);
        assertLseClose("lse (bf16 inputs)", got.lse(), rounded.lse(), ROUNDED_SCORE_TOL, context);
        assertClose("dq", got.dq(), exact.dq(), GRAD_TOL, context);
        assertClose("dk", got.dk(), exact.dk(), GRAD_TOL, context);
        assertClose("dv", got.dv(), exact.dv(), GRAD_TOL, context);
        assertClose("dq (bf16 inputs)", got.dq(), rounded.dq(), ROUNDED_GRAD_TOL, context);
        assertClose("dk (bf16 inputs)", got.dk(), rounded.dk(), ROUNDED_GRAD_TOL, context);
        assertClose("dv (bf16 inputs)", got.dv(), rounded.dv(), ROUNDED_GRAD_TOL, context);
    }
}
