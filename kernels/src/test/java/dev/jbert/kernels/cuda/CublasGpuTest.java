package dev.jbert.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.cpu.Gemm;
import dev.jbert.kernels.ops.Precision;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cuBLAS baseline's three products against the CPU engine's Gemm, in FP32, TF32 and BF16, on
 * odd shapes. Skipped, saying why, without a GPU or without cuBLAS 12.
 */
class CublasGpuTest {
    private static final int M = 97;
    private static final int N = 131;
    private static final int K = 75;

    private static CudaDevice gpu;
    private static Cublas cublas;

    private final SplittableRandom random = new SplittableRandom(7);

    /** Aborts each test, visibly, without a GPU or without cuBLAS; opens cuBLAS once. */
    @BeforeEach
    void open() {
        gpu = GpuAvailability.require();
        if (cublas == null) {
            Optional<Cublas> c = Cublas.tryOpen(gpu);
            Assumptions.assumeTrue(c.isPresent(), "no cuBLAS here: " + Cublas.unavailableReason());
            cublas = c.orElseThrow();
        }
    }

    @AfterAll
    static void close() {
        if (cublas != null) {
            cublas.close();
            cublas.close();
            cublas = null;
        }
    }

    @Test
    void fp32() {
        checkAll(Precision.FP32, 1e-5);
    }

    @Test
    void tf32() {
        checkAll(Precision.TF32, 5e-3);
    }

    @Test
    void bf16OnRoundedInputs() {
        // cuBLAS multiplies the bf16 inputs exactly and sums in float32: against the CPU product
        // of the same rounded values, only the summation order differs
        checkAll(Precision.BF16, 1e-4);
    }

    private void checkAll(Precision p, double tolerance) {
        boolean bf16 = p == Precision.BF16;
        float[] x = gaussian(M * K, bf16);
        float[] w = gaussian(N * K, bf16);
        float[] dy = gaussian(M * N, bf16);

        // forward: out = x·wᵀ
        float[] expected = new float[M * N];
        Gemm.linear(x, 0, M, K, w, null, Activation.NONE, expected, 0, N);
        long dx = upload(x, bf16);
        long dw = upload(w, bf16);
        long ddy = upload(dy, bf16);
        long out = gpu.alloc(4L * M * N);
        long grad = gpu.alloc(4L * Math.max(M * K, N * K));
        try {
            cublas.linearForward(p, dx, dw, out, M, N, K);
            assertClose(p + " forward", expected, download(out, M * N), tolerance);

            // backward input: dx = dy·w, then dx += dy·w
            float[] expectedDx = new float[M * K];
            Gemm.sgemm(false, false, M, K, N, 1f, dy, 0, N, w, 0, K, 0f, expectedDx, 0, K);
            cublas.linearBackwardInput(p, ddy, dw, grad, M, N, K, false);
            assertClose(p + " backward input", expectedDx, download(grad, M * K), tolerance);
            cublas.linearBackwardInput(p, ddy, dw, grad, M, N, K, true);
            float[] twice = expectedDx.clone();
            for (int i = 0; i < twice.length; i++) {
                twice[i] *= 2;
            }
            assertClose(p + " backward input, accumulated", twice, download(grad, M * K), tolerance);

            // backward weight: dw = dyᵀ·x
            float[] expectedDw = new float[N * K];
            Gemm.sgemm(true, false, N, K, M, 1f, dy, 0, N, x, 0, K, 0f, expectedDw, 0, K);
            cublas.linearBackwardWeight(p, ddy, dx, grad, M, N, K, false);
            assertClose(p + " backward weight", expectedDw, download(grad, N * K), tolerance);
        } finally {
            gpu.free(dx);
            gpu.free(dw);
            gpu.free(ddy);
            gpu.free(out);
            gpu.free(grad);
        }
    }

    private float[] gaussian(int n, boolean bf16) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float f = (float) random.nextGaussian();
            v[i] = bf16 ? Bf16.round(f) : f;
        }
        return v;
    }

    /** float32 buffer, or bf16 (2 bytes per value) for the BF16 products. */
    private static long upload(float[] v, boolean bf16) {
        if (bf16) {
            int[] packed = Bf16.pack(v, 0, v.length);
            long p = gpu.alloc(4L * packed.length);
            gpu.toDevice(p, packed, 0, packed.length);
            return p;
        }
        long p = gpu.alloc(4L * v.length);
        gpu.toDevice(p, v, 0, v.length);
        return p;
    }

    private static float[] download(long p, int n) {
        float[] v = new float[n];
        gpu.toHost(p, v, 0, n);
        return v;
    }

    private static void assertClose(String what, float[] expected, float[] actual, double tolerance) {
        double err = CudaDeviceGpuTest.relativeError(expected, actual);
        assertTrue(err < tolerance, what + ": relative error " + err + " (tolerance " + tolerance + ")");
    }
}
