package dev.jbert.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.backend.CpuBackend;
import dev.jbert.engine.cpu.Activation;
import dev.jbert.kernels.cuda.GpuAvailability;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.emulator.Emulator;
import dev.jbert.kernels.ops.Precision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CudaBackend}'s per-operation path (what {@code embed} and {@code inspect} take) on the CPU
 * emulator of the kernels and on a real GPU where there is one (skipped, saying why, elsewhere),
 * against the CPU backend on random inputs: every operation forward and
 * backward, accumulation into existing gradients, the operations handed to the CPU (attention with a
 * dropout mask or a head size the kernels lack: bit-identical to the CPU's), bf16 products within
 * bf16's rounding, and a pool that stops allocating once warm.
 */
class CudaBackendTest {
    /** float32 kernels against the float32 CPU (summation order only). */
    private static final double FP32 = 1e-5;
    private static final Backend CPU = new CpuBackend();
    /** One backend per device and precision, for the whole class. */
    private static final Map<String, CudaBackend> BACKENDS = new HashMap<>();

    /** The devices: the CPU emulator of the kernels, and a real GPU where there is one. */
    static List<String> devices() {
        return List.of("emulator", "gpu");
    }

    /** The fp32 backend on {@code target}; skips the test, saying why, for a GPU that is not here. */
    private static CudaBackend cuda(String target) {
        return backend(target, Precision.FP32);
    }

    private static synchronized CudaBackend backend(String target, Precision precision) {
        Device device = target.equals("gpu") ? GpuAvailability.require() : Emulator.device();
        return BACKENDS.computeIfAbsent(target + "/" + precision, k -> new CudaBackend(device, precision));
    }

    @AfterAll
    static void close() {
        BACKENDS.values().forEach(CudaBackend::close);
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /** ‖a − b‖ / ‖b‖ ≤ tol, every value finite. */
    private static void assertClose(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!Float.isFinite(actual[i])) {
                fail(what + "[" + i + "] = " + actual[i] + " is not finite");
            }
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        double rel = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
        assertTrue(rel <= tol, what + ": relative error " + rel + " > " + tol);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void linearForwardWithBiasActivationAndPreactivation(String target) {
        CudaBackend cuda = cuda(target);
        SplittableRandom r = new SplittableRandom(1);
        int m = 37;
        int k = 64;
        int n = 45;
        float[] x = random(r, m * k, 1);
        float[] w = random(r, n * k, 0.2);
        float[] bias = random(r, n, 0.5);
        float[] cpuOut = new float[m * n];
        float[] cpuPre = new float[m * n];
        CPU.linear(x, m, k, w, bias, n, Activation.GELU, cpuPre, cpuOut);
        // arrays longer than the operation (layers reuse grown buffers): only the prefix is touched
        float[] out = new float[m * n + 5];
        float[] pre = new float[m * n + 5];
        out[m * n] = 42f;
        cuda.linear(x, m, k, w, bias, n, Activation.GELU, pre, out);
        assertClose("out", cpuOut, java.util.Arrays.copyOf(out, m * n), FP32);
        assertClose("preact", cpuPre, java.util.Arrays.copyOf(pre, m * n), FP32);
        assertEquals(42f, out[m * n], "beyond the operation's elements");

        float[] plain = new float[m * n];
        CPU.linear(x, m, k, w, null, n, Activation.NONE, null, cpuOut);
        cuda.linear(x, m, k, w, null, n, Activation.NONE, null, plain);
        assertClose("out without bias", cpuOut, plain, FP32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void linearBackwardOverwritesOrAccumulatesDxAndAccumulatesDwDb(String target) {
        CudaBackend cuda = cuda(target);
        SplittableRandom r = new SplittableRandom(2);
        int m = 50;
        int k = 40;
        int n = 33;
        float[] dy = random(r, m * n, 1);
        float[] x = random(r, m * k, 1);
        float[] w = random(r, n * k, 0.3);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] dx0 = random(r, m * k, 1);
            float[] dw0 = random(r, n * k, 1);
            float[] db0 = random(r, n, 1);
            float[] cdx = dx0.clone();
            float[] cdw = dw0.clone();
            float[] cdb = db0.clone();
            CPU.linearBackward(dy, x, m, k, w, n, cdx, accumulate, cdw, cdb);
            float[] gdx = dx0.clone();
            float[] gdw = dw0.clone();
            float[] gdb = db0.clone();
            cuda.linearBackward(dy, x, m, k, w, n, gdx, accumulate, gdw, gdb);
            assertClose("dx (accumulate " + accumulate + ")", cdx, gdx, FP32);
            assertClose("dw", cdw, gdw, FP32);
            assertClose("db", cdb, gdb, FP32);
        }
        // dx skipped
        float[] cdw = new float[n * k];
        float[] gdw = new float[n * k];
        CPU.linearBackward(dy, x, m, k, w, n, null, false, cdw, null);
        cuda.linearBackward(dy, x, m, k, w, n, null, false, gdw, null);
        assertClose("dw alone", cdw, gdw, FP32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void activationsForwardAndBackward(String target) {
        CudaBackend cuda = cuda(target);
        SplittableRandom r = new SplittableRandom(3);
        int n = 1000;
        float[] x = random(r, n, 4);
        float[] dout = random(r, n, 1);
        for (Activation act : Activation.values()) {
            float[] c = new float[n];
            float[] g = new float[n];
            CPU.activation(act, x, c, n);
            cuda.activation(act, x, g, n);
            // bit for bit is the elementwise kernels' own test; here: the right values come back
            assertClose(act + " forward", c, g, 1e-6);
            float[] cdx = new float[n];
            float[] gdx = new float[n];
            CPU.activationBackward(act, x, dout, cdx, n);
            cuda.activationBackward(act, x, dout, gdx, n);
            assertClose(act + " backward", cdx, gdx, 1e-6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void layerNormForwardAndBackward(String target) {
        CudaBackend cuda = cuda(target);
        SplittableRandom r = new SplittableRandom(4);
        int rows = 21;
        int c = 96;
        float[] x = random(r, rows * c, 3);
        float[] gamma = random(r, c, 1);
        float[] beta = random(r, c, 1);
        float[] cOut = new float[rows * c];
        float[] cMean = new float[rows];
        float[] cRstd = new float[rows];
        CPU.layerNorm(x, rows, c, gamma, beta, 1e-12f, cOut, cMean, cRstd);
        float[] gOut = new float[rows * c];
        float[] gMean = new float[rows];
        float[] gRstd = new float[rows];
        cuda.layerNorm(x, rows, c, gamma, beta, 1e-12f, gOut, gMean, gRstd);
        assertClose("out", cOut, gOut, FP32);
        assertClose("mean", cMean, gMean, FP32);
        assertClose("rstd", cRstd, gRstd, FP32);

        float[] dout = random(r, rows * c, 1);
        float[] dg0 = random(r, c, 1);
        float[] db0 = random(r, c, 1);
        float[] cdx = new float[rows * c];
        float[] cdg = dg0.clone();
        float[] cdb = db0.clone();
        CPU.layerNormBackward(dout, x, rows, c, gamma, cMean, cRstd, cdx, cdg, cdb);
        float[] gdx = new float[rows * c];
        float[] gdg = dg0.clone();
        float[] gdb = db0.clone();
        cuda.layerNormBackward(dout, x, rows, c, gamma, cMean, cRstd, gdx, gdg, gdb);
        assertClose("dx", cdx, gdx, FP32);
        assertClose("dgamma (accumulated)", cdg, gdg, FP32);
        assertClose("dbeta (accumulated)", cdb, gdb, FP32);
    }

    /** [B, T] with row b's last {@code b} tokens padded. */
    private static float[] keyMask(int b, int t) {
        float[] mask = new float[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t - i; j++) {
                mask[i * t + j] = 1f;
            }
        }
        return mask;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void attentionForwardAndBackwardWithPadding(String target) {
        CudaBackend cuda = cuda(target);
        for (int d : new int[] {32, 64}) {
            SplittableRandom r = new SplittableRandom(5 + d);
            int b = 3;
            int t = 11;
            int h = 2;
            int n = b * t * h * d;
            float[] q = random(r, n, 1);
            float[] k = random(r, n, 1);
            float[] v = random(r, n, 1);
            float[] mask = keyMask(b, t);
            float[] cProbs = new float[b * h * t * t];
            float[] cOut = new float[n];
            CPU.attention(q, k, v, mask, b, t, h, d, cProbs, null, cOut);
            float[] gProbs = new float[b * h * t * t];
            float[] gOut = new float[n];
            cuda.attention(q, k, v, mask, b, t, h, d, gProbs, null, gOut);
            assertClose("out d=" + d, cOut, gOut, FP32);
            assertClose("probs d=" + d, cProbs, gProbs, FP32);

            float[] dout = random(r, n, 1);
            float[] cdq = new float[n];
            float[] cdk = new float[n];
            float[] cdv = new float[n];
            CPU.attentionBackward(dout, q, k, v, mask, b, t, h, d, cProbs, null, cdq, cdk, cdv);
            float[] gdq = new float[n];
            float[] gdk = new float[n];
            float[] gdv = new float[n];
            cuda.attentionBackward(dout, q, k, v, mask, b, t, h, d, gProbs, null, gdq, gdk, gdv);
            assertClose("dq d=" + d, cdq, gdq, FP32);
            assertClose("dk d=" + d, cdk, gdk, FP32);
            assertClose("dv d=" + d, cdv, gdv, FP32);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void attentionTheKernelsCannotDoIsTheCpusBitForBit(String target) {
        CudaBackend cuda = cuda(target);
        SplittableRandom r = new SplittableRandom(6);
        int b = 2;
        int t = 7;
        int h = 2;
        // head size 8: no kernel; head size 32 with a dropout mask: the kernels draw their own
        for (int d : new int[] {8, 32}) {
            int n = b * t * h * d;
            float[] q = random(r, n, 1);
            float[] k = random(r, n, 1);
            float[] v = random(r, n, 1);
            float[] mask = keyMask(b, t);
            float[] drop = null;
            if (d == 32) {
                drop = new float[b * h * t * t];
                for (int i = 0; i < drop.length; i++) {
                    drop[i] = r.nextDouble() < 0.1 ? 0f : 1f / 0.9f;
                }
            }
            float[] cProbs = new float[b * h * t * t];
            float[] cOut = new float[n];
            CPU.attention(q, k, v, mask, b, t, h, d, cProbs, drop, cOut);
            float[] gProbs = new float[b * h * t * t];
            float[] gOut = new float[n];
            cuda.attention(q, k, v, mask, b, t, h, d, gProbs, drop, gOut);
            assertArrayEquals(cOut, gOut, "out d=" + d);
            assertArrayEquals(cProbs, gProbs, "probs d=" + d);
            float[] dout = random(r, n, 1);
            float[] cdq = new float[n];
            float[] cdk = new float[n];
            float[] cdv = new float[n];
            CPU.attentionBackward(dout, q, k, v, mask, b, t, h, d, cProbs, drop, cdq, cdk, cdv);
            float[] gdq = new float[n];
            float[] gdk = new float[n];
            float[] gdv = new float[n];
            cuda.attentionBackward(dout, q, k, v, mask, b, t, h, d, gProbs, drop, gdq, gdk, gdv);
            assertArrayEquals(cdq, gdq, "dq d=" + d);
            assertArrayEquals(cdk, gdk, "dk d=" + d);
            assertArrayEquals(cdv, gdv, "dv d=" + d);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void bf16ProductsAgreeWithinBf16Rounding(String target) {
        CudaBackend bf16 = backend(target, Precision.BF16);
        assertEquals(Precision.BF16, bf16.precision());
        SplittableRandom r = new SplittableRandom(7);
        int m = 40;
        int k = 96;
        int n = 64;
        float[] x = random(r, m * k, 1);
        float[] w = random(r, n * k, 0.2);
        float[] c = new float[m * n];
        float[] g = new float[m * n];
        CPU.linear(x, m, k, w, null, n, Activation.NONE, null, c);
        bf16.linear(x, m, k, w, null, n, Activation.NONE, null, g);
        assertClose("bf16 out", c, g, 2e-2);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < c.length; i++) {
            diff += (g[i] - c[i]) * (double) (g[i] - c[i]);
            norm += c[i] * (double) c[i];
        }
        assertTrue(Math.sqrt(diff / norm) > 1e-6, "bf16 products differ from float32 ones: bf16 was not used");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void thePoolStopsGrowingOnceTheLargestShapesWereSeen(String target) {
        CudaBackend cuda = cuda(target);
        CudaBackend fresh = new CudaBackend(cuda.device(), Precision.FP32);
        try {
            SplittableRandom r = new SplittableRandom(8);
            int m = 30;
            int k = 32;
            int n = 32;
            float[] x = random(r, m * k, 1);
            float[] w = random(r, n * k, 1);
            float[] out = new float[m * n];
            fresh.linear(x, m, k, w, null, n, Activation.NONE, null, out);
            long warm = fresh.scratchBytes();
            assertTrue(warm > 0, "the first call allocates");
            for (int rows = m; rows >= 1; rows -= 7) {
                fresh.linear(x, rows, k, w, null, n, Activation.NONE, null, out);
            }
            assertEquals(warm, fresh.scratchBytes(), "calls no larger than the first allocate nothing");
            fresh.close();
            assertEquals(0, fresh.scratchBytes(), "close frees the pool");
        } finally {
            fresh.close();
        }
    }

    @Test
    void itsNameIsCuda() {
        assertEquals("cuda", cuda("emulator").name());
    }
}
