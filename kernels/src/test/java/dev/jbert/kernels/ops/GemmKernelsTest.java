package dev.jbert.kernels.ops;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.ops.Agreement.assertClose;
import static dev.jbert.kernels.ops.Agreement.tolerance;
import static dev.jbert.kernels.ops.Agreement.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.CpuBackend;
import dev.jbert.engine.cpu.Activation;
import dev.jbert.kernels.testing.TestDevices.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The linear layer's GEMMs (forward with bias and activation epilogue, input and weight
 * gradients with split-K) and the bias gradient, in all three precisions, against
 * {@link CpuBackend#linear} and {@link CpuBackend#linearBackward}: odd shapes (edges of every
 * 128×128 tile), aligned ones (the float4 paths) and shapes that split.
 */
class GemmKernelsTest {
    private static final CpuBackend CPU = new CpuBackend();

    /** A linear layer's sizes: x [M,K], w [N,K]. */
    record Shape(int m, int n, int k) {
        @Override
        public String toString() {
            return "M=" + m + " N=" + n + " K=" + k;
        }
    }

    /** A forward case: the shape, the activation, and whether bias and preact are given. */
    record Forward(Shape shape, Activation act, boolean bias, boolean preact) {
        @Override
        public String toString() {
            return shape + " " + act + (bias ? " +bias" : "") + (preact ? " +preact" : "");
        }
    }

    private static final List<Forward> FORWARD = List.of(
            new Forward(new Shape(37, 45, 29), Activation.GELU, true, true),
            new Forward(new Shape(130, 129, 40), Activation.NONE, false, false),
            new Forward(new Shape(1, 7, 300), Activation.TANH, true, true),
            new Forward(new Shape(64, 128, 64), Activation.GELU_TANH, true, true),
            new Forward(new Shape(33, 20, 17), Activation.RELU, true, false));

    private static final List<Shape> INPUT = List.of(new Shape(37, 45, 29), new Shape(130, 129, 40),
            new Shape(64, 128, 64));

    /** The last two split K (M ≥ 2·512 with a single output tile). */
    private static final List<Shape> WEIGHT = List.of(new Shape(37, 45, 29), new Shape(1100, 20, 33),
            new Shape(1024, 64, 96));

    static Stream<Arguments> forwardCases() {
        return cross(FORWARD);
    }

    static Stream<Arguments> inputCases() {
        return cross(INPUT);
    }

    static Stream<Arguments> weightCases() {
        return cross(WEIGHT);
    }

    private static Stream<Arguments> cross(List<?> cases) {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Target.values()) {
            for (Precision p : Precision.values()) {
                for (int i = 0; i < cases.size(); i++) {
                    out.add(Arguments.of(t, p, cases.get(i), i));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("forwardCases")
    void forwardMatchesCpuLinear(Target target, Precision precision, Forward c, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        Shape s = c.shape();
        long seed = Agreement.seed(100 + index);
        String context = "seed " + seed + ", " + c + ", " + precision + ", " + target;
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = uniform(r, s.m() * s.k(), 1);
        float[] w = uniform(r, s.n() * s.k(), 1 / Math.sqrt(s.k()));
        float[] bias = c.bias() ? uniform(r, s.n(), 0.5) : null;
        float[] preact = new float[s.m() * s.n()];
        float[] out = new float[s.m() * s.n()];
        CPU.linear(x, s.m(), s.k(), w, bias, s.n(), c.act(), c.preact() ? preact : null, out);

        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dPre = c.preact() ? d.floats(preact.length) : 0;
            long dOut = d.floats(out.length);
            gk.linearForward(precision, d.of(x), d.of(w), bias == null ? 0 : d.of(bias), dPre, dOut,
                    s.m(), s.n(), s.k(), c.act());
            assertClose("out", d.read(dOut, out.length), out, tolerance(precision), context);
            if (c.preact()) {
                assertClose("preact", d.read(dPre, preact.length), preact, tolerance(precision), context);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("inputCases")
    void inputGradientMatchesCpu(Target target, Precision precision, Shape s, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        for (boolean accumulate : new boolean[] {false, true}) {
            long seed = Agreement.seed(200 + 2 * index + (accumulate ? 1 : 0));
            String context = "seed " + seed + ", " + s + (accumulate ? " accumulate" : "") + ", " + precision
                    + ", " + target;
            SplittableRandom r = new SplittableRandom(seed);
            float[] dy = uniform(r, s.m() * s.n(), 1);
            float[] w = uniform(r, s.n() * s.k(), 1 / Math.sqrt(s.n()));
            float[] dx0 = uniform(r, s.m() * s.k(), 1);
            float[] dx = dx0.clone();
            CPU.linearBackward(dy, null, s.m(), s.k(), w, s.n(), dx, accumulate, null, null);
            try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
                long dDx = d.of(dx0);
                gk.linearBackwardInput(precision, d.of(dy), d.of(w), dDx, s.m(), s.n(), s.k(), accumulate);
                assertClose("dx", d.read(dDx, dx.length), dx, tolerance(precision), context);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("weightCases")
    void weightGradientMatchesCpu(Target target, Precision precision, Shape s, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        long seed = Agreement.seed(300 + index);
        long partialFloats = GpuKernels.weightPartialFloats(s.m(), s.n(), s.k());
        String context = "seed " + seed + ", " + s + ", splits " + Math.max(1, partialFloats / ((long) s.n() * s.k()))
                + ", " + precision + ", " + target;
        SplittableRandom r = new SplittableRandom(seed);
        float[] dy = uniform(r, s.m() * s.n(), 1);
        float[] x = uniform(r, s.m() * s.k(), 1);
        float[] dw0 = uniform(r, s.n() * s.k(), 1);
        float[] dw = dw0.clone();
        CPU.linearBackward(dy, x, s.m(), s.k(), null, s.n(), null, false, dw, null);
        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dDw = d.of(dw0);
            long partial = partialFloats > 0 ? d.floats(partialFloats) : 0;
            gk.linearBackwardWeight(precision, d.of(dy), d.of(x), dDw, partial, s.m(), s.n(), s.k());
            assertClose("dw", d.read(dDw, dw.length), dw, tolerance(precision), context);
        }
    }

    static Stream<Arguments> biasCases() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Target.values()) {
            out.add(Arguments.of(t, 37, 45));
            out.add(Arguments.of(t, 200, 45));
            out.add(Arguments.of(t, 1, 3));
            out.add(Arguments.of(t, 300, 70));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} M={1} N={2}")
    @MethodSource("biasCases")
    void biasGradientMatchesCpu(Target target, int m, int n) {
        GpuKernels gk = TestDevices.kernels(target);
        long seed = Agreement.seed(400 + m + n);
        long partialFloats = GpuKernels.biasPartialFloats(m, n);
        String context = "seed " + seed + ", M=" + m + " N=" + n + ", slabs " + Math.max(1, partialFloats / n)
                + ", " + target;
        SplittableRandom r = new SplittableRandom(seed);
        float[] dy = uniform(r, m * n, 1);
        float[] db0 = uniform(r, n, 1);
        float[] db = db0.clone();
        CPU.linearBackward(dy, null, m, 0, null, n, null, false, null, db);
        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dDb = d.of(db0);
            long partial = partialFloats > 0 ? d.floats(partialFloats) : 0;
            gk.biasGrad(d.of(dy), dDb, partial, m, n);
            assertClose("db", d.read(dDb, n), db, Agreement.FP32, context);
        }
    }

    @Test
    void splitsDependOnSizesOnlyAndCoverTheRows() {
        // BERT-base's attention projections: 36 output tiles, so the weight gradient splits
        assertEquals(512, GpuKernels.weightRowsPerSplit(4096, 768, 768));
        assertEquals(8L * 768 * 768, GpuKernels.weightPartialFloats(4096, 768, 768));
        // 144 tiles: no split
        assertEquals(0, GpuKernels.weightPartialFloats(4096, 3072, 768));
        // the test shapes above that are meant to split do
        assertTrue(GpuKernels.weightPartialFloats(1100, 20, 33) > 0);
        assertTrue(GpuKernels.weightPartialFloats(1024, 64, 96) > 0);
        assertEquals(0, GpuKernels.weightPartialFloats(37, 45, 29));
        assertEquals(88, GpuKernels.biasSlabs(4096, 768));
        assertTrue(GpuKernels.biasPartialFloats(200, 45) > 0);
        assertEquals(0, GpuKernels.biasPartialFloats(37, 45));
        for (int m : new int[] {1, 31, 511, 1023, 1024, 1100, 4096, 16384, 100_000}) {
            int chunk = GpuKernels.weightRowsPerSplit(m, 45, 29);
            int splits = (m + chunk - 1) / chunk;
            assertTrue(chunk >= 1 && (splits == 1 || chunk % 32 == 0), "M=" + m + ": kChunk " + chunk);
            assertTrue((long) splits * chunk >= m && (long) (splits - 1) * chunk < m, "M=" + m + ": kChunk " + chunk);
        }
    }

    @Test
    void splitWeightGradientWithoutWorkspaceIsRefused() {
        GpuKernels gk = new GpuKernels(new RecordingDevice());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gk.linearBackwardWeight(Precision.FP32, 64, 128, 256, 0, 4096, 768, 768));
        assertTrue(e.getMessage().contains("partial") && e.getMessage().contains("weightPartialFloats"),
                e.getMessage());
    }
}
