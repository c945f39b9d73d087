package dev.jbert.kernels.ops;

import static dev.jbert.kernels.ops.Agreement.gaussian;

import dev.jbert.engine.train.DropoutRng;
import dev.jbert.kernels.testing.TestDevices.Target;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One attention call of the attention kernel tests ({@link AttentionKernelsTest},
 * {@link AttentionBf16KernelsTest}): B, T, H, D; lengths[b] real tokens at the start of sequence b
 * (null: no key mask at all); fused: q, k, v are column slices of one [B·T, 3C] buffer. With it, the
 * random inputs of one case and the run of the kernels on a device.
 */
record AttentionCase(int b, int t, int h, int d, int[] lengths, boolean fused) {
    static final long DROPOUT_SEED = 0x9E3779B97F4A7C15L;
    static final int STREAM = -5;  // 0xFFFFFFFB: all 32 bits of the stream reach the kernel
    static final long COUNTER = 0x1_0000_0003L;
    static final double P = (double) 0.1f;  // as nn.Dropout holds it

    @Override
    public String toString() {
        return "B=" + b + " T=" + t + " H=" + h + " D=" + d
                + (lengths == null ? " no mask" : " lengths " + Arrays.toString(lengths)) + (fused ? " fused QKV" : "");
    }

    int cols() {
        return h * d;
    }

    int rows() {
        return b * t;
    }

    /** (target, case, p, index) for every target, case and p ∈ {0, P}, for {@code @MethodSource}. */
    static Stream<Arguments> arguments(List<AttentionCase> cases) {
        return Stream.of(Target.values()).flatMap(target -> IntStream.range(0, cases.size()).boxed()
                .flatMap(i -> Stream.of(0.0, P).map(p -> Arguments.of(target, cases.get(i), p, i))));
    }

    /** Gaussian q, k, v, dout; the key mask of the lengths; for p > 0 the mask DropoutRng draws. */
    record Inputs(float[] q, float[] k, float[] v, float[] dout, float[] keyMask, float[] dropMask) {
    }

    Inputs random(long seed, double p) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = rows() * cols();
        float[] q = gaussian(r, n, 0, 1);
        float[] k = gaussian(r, n, 0, 1);
        float[] v = gaussian(r, n, 0, 1);
        float[] dout = gaussian(r, n, 0, 1);
        float[] keyMask = null;
        if (lengths != null) {
            keyMask = new float[rows()];
            for (int bi = 0; bi < b; bi++) {
                Arrays.fill(keyMask, bi * t, bi * t + lengths[bi], 1f);
            }
        }
        float[] dropMask = null;
        if (p > 0) {
            int bhtt = b * h * t * t;
            dropMask = new float[bhtt];
            new DropoutRng(DROPOUT_SEED).fillMask(dropMask, 0, bhtt, p, Integer.toUnsignedLong(STREAM), COUNTER);
        }
        return new Inputs(q, k, v, dout, keyMask, dropMask);
    }

    /** What the kernels computed: out, probs, lse, then dq, dk, dv (read back from the fused buffer when fused). */
    record Results(float[] out, float[] probs, float[] lse, float[] dq, float[] dk, float[] dv) {
    }

    /** Forward (with probabilities) then backward through {@code gk} in {@code precision}, dropout p. */
    Results run(GpuKernels gk, Precision precision, Inputs in, double p) {
        int rows = rows();
        int cols = cols();
        int n = rows * cols;
        int bhtt = b * h * t * t;
        try (DeviceBuffers m = new DeviceBuffers(gk.device())) {
            int ld = fused ? 3 * cols : cols;
            long dQ;
            long dK;
            long dV;
            long dGrad;
            if (fused) {
                float[] qkv = new float[rows * ld];
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(in.q(), i * cols, qkv, i * ld, cols);
                    System.arraycopy(in.k(), i * cols, qkv, i * ld + cols, cols);
                    System.arraycopy(in.v(), i * cols, qkv, i * ld + 2 * cols, cols);
                }
                dQ = m.of(qkv);
                dK = dQ + 4L * cols;
                dV = dQ + 8L * cols;
                dGrad = m.floats((long) rows * ld);
            } else {
                dQ = m.of(in.q());
                dK = m.of(in.k());
                dV = m.of(in.v());
                dGrad = 0;
            }
            long dMask = in.keyMask() == null ? 0 : m.of(in.keyMask());
            long dOut = m.floats(n);
            long dLse = m.floats((long) b * h * t);
            long dProbs = m.floats(bhtt);
            gk.attentionForward(precision, dQ, dK, dV, dMask, dOut, dLse, dProbs, b, t, h, d, ld,
                    DROPOUT_SEED, STREAM, COUNTER, p);
            float[] out = m.read(dOut, n);
            float[] probs = m.read(dProbs, bhtt);
            float[] lse = m.read(dLse, b * h * t);

            long dDout = m.of(in.dout());
            long dDelta = m.floats((long) b * h * t);
            long gQ = fused ? dGrad : m.floats(n);
            long gK = fused ? dGrad + 4L * cols : m.floats(n);
            long gV = fused ? dGrad + 8L * cols : m.floats(n);
            gk.attentionBackward(precision, dDout, dQ, dK, dV, dMask, dOut, dLse, dDelta, gQ, gK, gV, b, t, h, d, ld,
                    DROPOUT_SEED, STREAM, COUNTER, p);
            if (fused) {
                return new Results(out, probs, lse, m.readColumns(dGrad, rows, ld, 0, cols),
                        m.readColumns(dGrad, rows, ld, cols, cols), m.readColumns(dGrad, rows, ld, 2 * cols, cols));
            }
            return new Results(out, probs, lse, m.read(gQ, n), m.read(gK, n), m.read(gV, n));
        }
    }
}
