package dev.jbert.kernels.ops;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.ops.Agreement.FP32;
import static dev.jbert.kernels.ops.Agreement.assertClose;

import dev.jbert.engine.backend.CpuBackend;
import dev.jbert.kernels.testing.TestDevices.Target;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fused attention (forward, then the three backward kernels) against
 * {@link CpuBackend#attention} and {@link CpuBackend#attentionBackward}: padded keys (including a
 * sequence with no real token at all), no mask, a fused [B·T, 3C] QKV buffer, T not a multiple of
 * the 32-row tiles, the three head sizes (16, 32, 64), and attention dropout off and on. With
 * dropout the CPU gets the mask {@code DropoutRng(seed).fillMask(mask, 0, B·H·T·T, p, stream, counter)},
 * which the kernels draw themselves element by element.
 */
class AttentionKernelsTest {
    private static final CpuBackend CPU = new CpuBackend();
    private static final List<AttentionCase> CASES = List.of(
            new AttentionCase(2, 13, 2, 32, new int[] {13, 9}, false),
            new AttentionCase(3, 37, 1, 64, new int[] {37, 20, 0}, true),
            new AttentionCase(1, 32, 2, 64, null, false),
            new AttentionCase(2, 45, 2, 32, new int[] {1, 45}, true),
            // head size 16 (the tiny golden models': 4 heads × 16): fused, masked, two key tiles; unmasked
            new AttentionCase(2, 40, 4, 16, new int[] {40, 11}, true),
            new AttentionCase(3, 12, 4, 16, null, false));

    static Stream<Arguments> cases() {
        return AttentionCase.arguments(CASES);
    }

    @ParameterizedTest(name = "{0} {1} p={2}")
    @MethodSource("cases")
    void forwardAndBackwardMatchCpu(Target target, AttentionCase c, double p, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        int b = c.b();
        int t = c.t();
        int h = c.h();
        int d = c.d();
        int n = c.rows() * c.cols();
        long seed = Agreement.seed(500 + 2 * index + (p > 0 ? 1 : 0));
        String context = "seed " + seed + ", " + c + ", p " + p + ", " + target;
        AttentionCase.Inputs in = c.random(seed, p);
        float[] probs = new float[b * h * t * t];
        float[] out = new float[n];
        CPU.attention(in.q(), in.k(), in.v(), in.keyMask(), b, t, h, d, probs, in.dropMask(), out);
        float[] dq = new float[n];
        float[] dk = new float[n];
        float[] dv = new float[n];
        CPU.attentionBackward(in.dout(), in.q(), in.k(), in.v(), in.keyMask(), b, t, h, d, probs, in.dropMask(),
                dq, dk, dv);

        AttentionCase.Results got = c.run(gk, Precision.FP32, in, p);
        assertClose("out", got.out(), out, FP32, context);
        assertClose("probs", got.probs(), probs, FP32, context);
        assertClose("dq", got.dq(), dq, FP32, context);
        assertClose("dk", got.dk(), dk, FP32, context);
        assertClose("dv", got.dv(), dv, FP32, context);
    }
}
