package dev.jbert.kernels.ops;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.ops.Agreement.assertBitExact;
import static dev.jbert.kernels.ops.Agreement.assertFinite;
import static dev.jbert.kernels.ops.Agreement.gaussian;
import static dev.jbert.kernels.ops.Agreement.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.CpuBackend;
import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.nn.Dropout;
import dev.jbert.engine.nn.RunContext;
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
 * The elementwise kernels, bit for bit against the CPU engine: activations forward and backward
 * against {@link Activation#forward} / {@link Activation#backward} (all five, on random values of
 * every scale and on ±0, denormals, ±∞, NaN), the residual add, dropout masks against
 * {@link DropoutRng#fillMask} and dropout forward/backward against {@link Dropout}.
 *
 * <p>One allowance, on a real GPU only: the activations evaluate exp, log and tanh in double,
 * which come from CUDA's libdevice there instead of the JDK's; both are within an ulp in double,
 * so after rounding to float a value can differ by one float ulp in a rare rounding tie. On the
 * GPU up to 1 in 1000 values may differ by exactly one ulp; everything else, and everything in
 * the emulator, must be identical.
 */
class ElementwiseKernelsTest {
    private static final int N = 4099;

    static Stream<Arguments> activations() {
        List<Arguments> out = new ArrayList<>();
        for (Target target : Target.values()) {
            for (Activation a : Activation.values()) {
                out.add(Arguments.of(target, a));
            }
        }
        return out.stream();
    }

    /** Random values of several scales: near 0, the usual range, the tails, where GELU saturates. */
    private static float[] values(SplittableRandom r) {
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            double scale = switch (i % 5) {
                case 0 -> 1e-3;
                case 1 -> 1;
                case 2 -> 4;
                case 3 -> 12;
                default -> 45;
            };
            x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    private static final float[] SPECIAL = {
        0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f, Float.MIN_NORMAL, -Float.MIN_NORMAL,
        1e-30f, -1e-30f, 0.5f, -0.5f, 1f, -1f, 3f, -3f, 5.5f, -5.5f, 9.01f, -9.01f, 10f, -10f, 16f, -16f,
        38.6f, -38.6f, 40f, -40f, 1e4f, -1e4f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
    };

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("activations")
    void activationsMatchCpuBitForBit(Target target, Activation act) {
        GpuKernels gk = TestDevices.kernels(target);
        long seed = Agreement.seed(700 + act.ordinal());
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = values(r);
        float[] dout = gaussian(r, N, 0, 1);
        check(gk, target, act, x, dout, true, "seed " + seed + ", " + N + " random values, " + act + ", " + target);
        float[] ones = new float[SPECIAL.length];
        Arrays.fill(ones, 1.5f);
        check(gk, target, act, SPECIAL, ones, false, "special values, " + act + ", " + target);
    }

    private static void check(GpuKernels gk, Target target, Activation act, float[] x, float[] dout,
                              boolean finite, String context) {
        int n = x.length;
        float[] y = new float[n];
        float[] dx = new float[n];
        Activation.forward(act, x, 0, y, 0, n);
        Activation.backward(act, x, 0, dout, 0, dx, 0, n);
        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dX = d.of(x);
            long dY = d.floats(n);
            long dDout = d.of(dout);
            long dDx = d.floats(n);
            gk.activationForward(dX, dY, n, act);
            gk.activationBackward(dX, dDout, dDx, n, act);
            float[] gotY = d.read(dY, n);
            float[] gotDx = d.read(dDx, n);
            if (finite) {
                assertFinite("cpu forward", y, context);
                assertFinite("gpu forward", gotY, context);
                assertFinite("cpu backward", dx, context);
                assertFinite("gpu backward", gotDx, context);
            }
            matches(target, "forward", gotY, y, context);
            matches(target, "backward", gotDx, dx, context);
            // in place: out = x, dx = dout
            gk.activationForward(dX, dX, n, act);
            gk.activationBackward(d.of(x), dDout, dDout, n, act);
            matches(target, "forward in place", d.read(dX, n), y, context);
            matches(target, "backward in place", d.read(dDout, n), dx, context);
        }
    }

    /** Bit for bit; on a real GPU, rare one-ulp rounding ties of the double-precision libm are let through. */
    private static void matches(Target target, String what, float[] gpu, float[] cpu, String context) {
        if (target == Target.EMULATOR) {
            assertBitExact(what, gpu, cpu, context);
            return;
        }
        int ties = 0;
        for (int i = 0; i < gpu.length; i++) {
            int a = Float.floatToIntBits(gpu[i]);
            int b = Float.floatToIntBits(cpu[i]);
            if (a == b) {
                continue;
            }
            boolean oneUlp = Float.isFinite(gpu[i]) && Float.isFinite(cpu[i]) && Math.signum(gpu[i]) == Math.signum(cpu[i])
                    && Math.abs(a - b) == 1;
            assertTrue(oneUlp, what + "[" + i + "]: gpu " + gpu[i] + ", cpu " + cpu[i] + " differ by more than one ulp ("
                    + context + ")");
            ties++;
        }
        int allowed = gpu.length / 1000;
        assertTrue(ties <= allowed, what + ": " + ties + " one-ulp differences in " + gpu.length + " values, more than "
                + allowed + " (" + context + ")");
    }

    static Stream<Target> targets() {
        return TestDevices.targets();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void residualAddIsTheFloatSum(Target target) {
        GpuKernels gk = TestDevices.kernels(target);
        long seed = Agreement.seed(710);
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = gaussian(r, N, 0, 3);
        float[] b = gaussian(r, N, 0, 1e-3);
        float[] sum = new float[N];
        for (int i = 0; i < N; i++) {
            sum[i] = a[i] + b[i];
        }
        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dA = d.of(a);
            long dOut = d.floats(N);
            gk.residualAdd(dA, d.of(b), dOut, N);
            assertBitExact("a + b", d.read(dOut, N), sum, "seed " + seed + ", " + target);
            gk.residualAdd(dA, d.of(b), dA, N);
            assertBitExact("a += b (in place)", d.read(dA, N), sum, "seed " + seed + ", " + target);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void dropoutMasksAreDropoutRngsBitForBit(Target target) {
        GpuKernels gk = TestDevices.kernels(target);
        long[] seeds = {0, 42, 0x9E3779B97F4A7C15L};
        int[] streams = {0, 7, -5};
        long[] counters = {0, 3, 0x1_0000_0003L};
        double[] ps = {0, 0.1, (double) 0.1f, 0.5, 0.9, 1};
        int[] sizes = {1, 3, 1001, N};
        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dMask = d.floats(N);
            int k = 0;
            for (double p : ps) {
                for (int n : sizes) {
                    long seed = seeds[k % seeds.length];
                    int stream = streams[(k / 3) % streams.length];
                    long counter = counters[(k / 2) % counters.length];
                    k++;
                    float[] want = new float[n];
                    new DropoutRng(seed).fillMask(want, 0, n, p, Integer.toUnsignedLong(stream), counter);
                    gk.dropoutMask(dMask, n, seed, stream, counter, p);
                    assertBitExact("mask", d.read(dMask, n), want, "seed " + seed + ", stream " + stream + ", counter "
                            + counter + ", p " + p + ", n " + n + ", " + target);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void dropoutForwardAndBackwardAreNnDropouts(Target target) {
        GpuKernels gk = TestDevices.kernels(target);
        long seed = Agreement.seed(720);
        SplittableRandom r = new SplittableRandom(seed);
        float pFloat = 0.1f;
        long site = 4_000_000_000L;  // above 2³¹: the stream is an unsigned int
        long dropoutSeed = 0x0123456789ABCDEFL;
        long counter = 5;
        int n = 1001;
        String context = "seed " + seed + ", p " + pFloat + ", site " + site + ", n " + n + ", " + target;
        float[] x = uniform(r, n, 2);
        float[] dy = uniform(r, n, 2);

        Dropout dropout = new Dropout(pFloat, site);
        RunContext ctx = new RunContext(new CpuBackend()).training(true).seed(dropoutSeed).counter(counter);
        float[] y = x.clone();
        dropout.forward(ctx, y, n);
        float[] dx = dy.clone();
        dropout.backward(dx, n);
        float[] mask = dropout.maskFor(ctx, n);

        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dX = d.of(x);
            long dOut = d.floats(n);
            long dMask = d.floats(n);
            gk.dropoutForward(dX, dOut, dMask, n, dropoutSeed, (int) site, counter, pFloat);
            assertBitExact("out", d.read(dOut, n), y, context);
            assertBitExact("mask", d.read(dMask, n), mask, context);
            // without keeping the mask, and in place
            gk.dropoutForward(dX, dX, 0, n, dropoutSeed, (int) site, counter, pFloat);
            assertBitExact("out (in place, no mask)", d.read(dX, n), y, context);
            long dDy = d.of(dy);
            long dDx = d.floats(n);
            gk.dropoutBackward(dDy, dMask, dDx, n);
            assertBitExact("dx", d.read(dDx, n), dx, context);
        }
    }
}
