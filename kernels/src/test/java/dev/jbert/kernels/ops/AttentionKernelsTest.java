package dev.jbert.kernels.ops;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.ops.Agreement.FP32;
import static dev.jbert.kernels.ops.Agreement.assertClose;
import static dev.jbert.kernels.ops.Agreement.gaussian;

import dev.jbert.engine.backend.CpuBackend;
import dev.jbert.engine.train.DropoutRng;
import dev.jbert.kernels.testing.TestDevices.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
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
    private static final long DROPOUT_SEED = 0x9E3779B97F4A7C15L;
    private static final int STREAM = -5;  // 0xFFFFFFFB: all 32 bits of the stream reach the kernel
    private static final long COUNTER = 0x1_0000_0003L;
    private static final double P = (double) 0.1f;  // as nn.Dropout holds it

    /**
     * One attention call: B, T, H, D; lengths[b] real tokens at the start of sequence b (null: no
     * key mask at all); fused: q, k, v are column slices of one [B·T, 3C] buffer.
     */
    record Case(int b, int t, int h, int d, int[] lengths, boolean fused) {
        @Override
        public String toString() {
            return "B=" + b + " T=" + t + " H=" + h + " D=" + d
                    + (lengths == null ? " no mask" : " lengths " + Arrays.toString(lengths)) + (fused ? " fused QKV" : "");
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(2, 13, 2, 32, new int[] {13, 9}, false),
            new Case(3, 37, 1, 64, new int[] {37, 20, 0}, true),
            new Case(1, 32, 2, 64, null, false),
            new Case(2, 45, 2, 32, new int[] {1, 45}, true),
            // head size 16 (the tiny golden models': 4 heads × 16): fused, masked, two key tiles; unmasked
            new Case(2, 40, 4, 16, new int[] {40, 11}, true),
            new Case(3, 12, 4, 16, null, false));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Target target : Target.values()) {
            for (int i = 0; i < CASES.size(); i++) {
                for (double p : new double[] {0, P}) {
                    out.add(Arguments.of(target, CASES.get(i), p, i));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} p={2}")
    @MethodSource("cases")
    void forwardAndBackwardMatchCpu(Target target, Case c, double p, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        int b = c.b();
        int t = c.t();
        int h = c.h();
        int d = c.d();
        int cols = h * d;
        int rows = b * t;
        long seed = Agreement.seed(500 + 2 * index + (p > 0 ? 1 : 0));
        String context = "seed " + seed + ", " + c + ", p " + p + ", " + target;
        SplittableRandom r = new SplittableRandom(seed);
        float[] q = gaussian(r, rows * cols, 0, 1);
        float[] k = gaussian(r, rows * cols, 0, 1);
        float[] v = gaussian(r, rows * cols, 0, 1);
        float[] dout = gaussian(r, rows * cols, 0, 1);
        float[] keyMask = null;
        if (c.lengths() != null) {
            keyMask = new float[rows];
            for (int bi = 0; bi < b; bi++) {
                Arrays.fill(keyMask, bi * t, bi * t + c.lengths()[bi], 1f);
            }
        }
        int bhtt = b * h * t * t;
        float[] dropMask = null;
        if (p > 0) {
            dropMask = new float[bhtt];
            new DropoutRng(DROPOUT_SEED).fillMask(dropMask, 0, bhtt, p, Integer.toUnsignedLong(STREAM), COUNTER);
        }
        float[] probs = new float[bhtt];
        float[] out = new float[rows * cols];
        CPU.attention(q, k, v, keyMask, b, t, h, d, probs, dropMask, out);
        float[] dq = new float[rows * cols];
        float[] dk = new float[rows * cols];
        float[] dv = new float[rows * cols];
        CPU.attentionBackward(dout, q, k, v, keyMask, b, t, h, d, probs, dropMask, dq, dk, dv);

        try (DeviceBuffers m = new DeviceBuffers(gk.device())) {
            int ld = c.fused() ? 3 * cols : cols;
            long dQ;
            long dK;
            long dV;
            long dGrad;
            if (c.fused()) {
                float[] qkv = new float[rows * ld];
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(q, i * cols, qkv, i * ld, cols);
                    System.arraycopy(k, i * cols, qkv, i * ld + cols, cols);
                    System.arraycopy(v, i * cols, qkv, i * ld + 2 * cols, cols);
                }
                dQ = m.of(qkv);
                dK = dQ + 4L * cols;
                dV = dQ + 8L * cols;
                dGrad = m.floats((long) rows * ld);
            } else {
                dQ = m.of(q);
                dK = m.of(k);
                dV = m.of(v);
                dGrad = 0;
            }
            long dMask = keyMask == null ? 0 : m.of(keyMask);
            long dOut = m.floats(out.length);
            long dLse = m.floats((long) b * h * t);
            long dProbs = m.floats(bhtt);
            gk.attentionForward(dQ, dK, dV, dMask, dOut, dLse, dProbs, b, t, h, d, ld, DROPOUT_SEED, STREAM, COUNTER, p);
            assertClose("out", m.read(dOut, out.length), out, FP32, context);
            assertClose("probs", m.read(dProbs, bhtt), probs, FP32, context);

            long dDout = m.of(dout);
            long dDelta = m.floats((long) b * h * t);
            long gQ = c.fused() ? dGrad : m.floats(dq.length);
            long gK = c.fused() ? dGrad + 4L * cols : m.floats(dk.length);
            long gV = c.fused() ? dGrad + 8L * cols : m.floats(dv.length);
            gk.attentionBackward(dDout, dQ, dK, dV, dMask, dOut, dLse, dDelta, gQ, gK, gV, b, t, h, d, ld,
                    DROPOUT_SEED, STREAM, COUNTER, p);
            float[] gotQ;
            float[] gotK;
            float[] gotV;
            if (c.fused()) {
                gotQ = m.readColumns(dGrad, rows, ld, 0, cols);
                gotK = m.readColumns(dGrad, rows, ld, cols, cols);
                gotV = m.readColumns(dGrad, rows, ld, 2 * cols, cols);
            } else {
                gotQ = m.read(gQ, dq.length);
                gotK = m.read(gK, dk.length);
                gotV = m.read(gV, dv.length);
            }
            assertClose("dq", gotQ, dq, FP32, context);
            assertClose("dk", gotK, dk, FP32, context);
            assertClose("dv", gotV, dv, FP32, context);
        }
    }
}
