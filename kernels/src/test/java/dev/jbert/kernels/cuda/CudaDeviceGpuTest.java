package dev.jbert.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.cpu.Gemm;
import dev.jbert.kernels.device.DeviceException;
import dev.jbert.kernels.device.DeviceOutOfMemoryException;
import dev.jbert.kernels.device.Dim3;
import dev.jbert.kernels.device.Kernel;
import dev.jbert.kernels.device.KernelArgs;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CudaDevice on a real GPU: copies, fills, launches of our kernels against the CPU engine, errors.
 * Skipped, saying why, where there is no GPU.
 */
class CudaDeviceGpuTest {
    private static final int BLOCK = 256;

    private CudaDevice gpu;
    private final SplittableRandom random = new SplittableRandom(42);

    @BeforeEach
    void gpu() {
        gpu = GpuAvailability.require();
    }

    @Test
    void describesItself() {
        String d = gpu.description();
        assertTrue(Pattern.matches(".+ \\(sm_\\d\\d+, \\d+ SMs, \\d+\\.\\d GiB, CUDA driver \\d+\\.\\d\\)", d), d);
        assertTrue(gpu.computeCapability() >= 80, d);
        assertTrue(gpu.driverVersion() >= 13000, d);
        long total = gpu.totalMemory();
        long free = gpu.freeMemory();
        assertTrue(total > 0 && free > 0 && free <= total, free + " of " + total);
    }

    @Test
    void roundTripsWithOffsets() {
        int n = 1001;
        long buf = gpu.alloc(8L * n);
        try {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) random.nextGaussian();
            }
            gpu.toDevice(buf, f, 3, n - 3);
            float[] fBack = new float[n + 5];
            gpu.toHost(buf, fBack, 5, n - 3);
            assertArrayEquals(Arrays.copyOfRange(f, 3, n), Arrays.copyOfRange(fBack, 5, n + 2));
            assertEquals(0f, fBack[0]);

            int[] ints = random.ints(n).toArray();
            gpu.toDevice(buf + 4, ints, 1, n - 1);
            int[] iBack = new int[n - 1];
            gpu.toHost(buf + 4, iBack, 0, n - 1);
            assertArrayEquals(Arrays.copyOfRange(ints, 1, n), iBack);

            long[] longs = random.longs(n).toArray();
            gpu.toDevice(buf, longs, 0, n);
            long[] lBack = new long[n];
            gpu.toHost(buf, lBack, 0, n);
            assertArrayEquals(longs, lBack);

            double[] doubles = random.doubles(n).toArray();
            gpu.toDevice(buf + 8, doubles, 2, n - 2);
            double[] dBack = new double[n - 2];
            gpu.toHost(buf + 8, dBack, 0, n - 2);
            assertArrayEquals(Arrays.copyOfRange(doubles, 2, n), dBack);
        } finally {
            gpu.free(buf);
        }
    }

    @Test
    void zeroAndCopy() {
        int n = 333;
        long a = gpu.alloc(4L * n);
        long b = gpu.alloc(4L * n);
        try {
            float[] ones = new float[n];
            Arrays.fill(ones, 1f);
            gpu.toDevice(a, ones, 0, n);
            gpu.zero(a + 4, 4L * 100); // aligned: 32-bit fill
            gpu.zero(a + 4L * 101 + 1, 6); // unaligned: byte fill, touches floats 101..102 partly
            float[] back = new float[n];
            gpu.toHost(a, back, 0, n);
            assertEquals(1f, back[0]);
            for (int i = 1; i <= 100; i++) {
                assertEquals(0f, back[i], "index " + i);
            }
            assertTrue(back[101] != 1f && back[102] != 1f, "partly zeroed bytes change the floats");
            assertEquals(1f, back[103]);

            gpu.copy(b, a, 4L * n);
            float[] copied = new float[n];
            gpu.toHost(b, copied, 0, n);
            assertArrayEquals(back, copied);
        } finally {
            gpu.free(a);
            gpu.free(b);
        }
    }

    @Test
    void residualAddMatchesJava() {
        int n = 100_003;
        float[] x = gaussian(n);
        float[] y = gaussian(n);
        long a = upload(x);
        long b = upload(y);
        long out = gpu.alloc(4L * n);
        try {
            Kernel k = gpu.kernel("elementwise", "residual_add");
            assertSame(k, gpu.kernel("elementwise", "residual_add"), "cached");
            gpu.launch(k, Dim3.of(Math.min(Dim3.cdiv(n, BLOCK), 132 * 16)), Dim3.of(BLOCK),
                    KernelArgs.of().ptr(a).ptr(b).ptr(out).i32(n));
            gpu.synchronize();
            float[] got = new float[n];
            gpu.toHost(out, got, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(x[i] + y[i], got[i], "index " + i);
            }
        } finally {
            gpu.free(a);
            gpu.free(b);
            gpu.free(out);
        }
    }

    @Test
    void linearForwardF32MatchesCpuGemm() {
        int m = 77;
        int n = 131;
        int k = 45;
        float[] x = gaussian(m * k);
        float[] w = gaussian(n * k);
        float[] bias = gaussian(n);
        long dx = upload(x);
        long dw = upload(w);
        long db = upload(bias);
        long dout = gpu.alloc(4L * m * n);
        try {
            Kernel f = gpu.kernel("gemm_f32", "linear_forward_f32");
            gpu.launch(f, Dim3.of(Dim3.cdiv(n, 128), Dim3.cdiv(m, 128)), Dim3.of(BLOCK),
                    KernelArgs.of().ptr(dx).ptr(dw).ptr(db).ptr(0).ptr(dout).i32(m).i32(n).i32(k)
                            .i32(Activation.NONE.ordinal()));
            float[] got = new float[m * n];
            gpu.toHost(dout, got, 0, m * n);
            float[] expected = new float[m * n];
            Gemm.linear(x, 0, m, k, w, bias, Activation.NONE, expected, 0, n);
            assertTrue(relativeError(expected, got) < 1e-5, "relative error " + relativeError(expected, got));
        } finally {
            gpu.free(dx);
            gpu.free(dw);
            gpu.free(db);
            gpu.free(dout);
        }
    }

    @Test
    void callsFromAnotherThreadUseTheSameContext() throws Exception {
        float[] v = gaussian(257);
        long buf = upload(v);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<float[]> read = other.submit(() -> {
                float[] back = new float[v.length];
                gpu.toHost(buf, back, 0, v.length);
                return back;
            });
            assertArrayEquals(v, read.get());
        } finally {
            other.shutdownNow();
            gpu.free(buf);
        }
    }

    @Test
    void outOfMemorySaysHowMuchAndLeavesTheDeviceUsable() {
        long tooMuch = gpu.totalMemory() + (1L << 30);
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> gpu.alloc(tooMuch));
        String m = e.getMessage();
        assertTrue(Pattern.matches("out of GPU memory on .+: asked for \\d+\\.\\d MiB with \\d+\\.\\d MiB free of \\d+\\.\\d MiB", m), m);
        assertTrue(m.contains(gpu.description()), m);

        float[] v = gaussian(10);
        long buf = upload(v);
        float[] back = new float[10];
        gpu.toHost(buf, back, 0, 10);
        gpu.free(buf);
        assertArrayEquals(v, back, "still usable after the failed allocation");
    }

    @Test
    void unknownEntryPointOrModuleIsNamed() {
        DeviceException e = assertThrows(DeviceException.class, () -> gpu.kernel("elementwise", "residual_subtract"));
        assertTrue(e.getMessage().startsWith("no kernel residual_subtract in elementwise.ptx"), e.getMessage());
        assertTrue(e.getMessage().contains("residual_add"), "lists the entry points: " + e.getMessage());
        DeviceException m = assertThrows(DeviceException.class, () -> gpu.kernel("gemm_f64", "linear_forward_f64"));
        assertTrue(m.getMessage().contains("no PTX module 'gemm_f64'"), m.getMessage());
    }

    @Test
    void mismatchedArgumentsAreRefusedBeforeLaunch() {
        Kernel k = gpu.kernel("elementwise", "residual_add");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpu.launch(k, Dim3.of(1), Dim3.of(BLOCK), KernelArgs.of().ptr(0).ptr(0).i32(1)));
        assertTrue(e.getMessage().contains("takes 4 parameters"), e.getMessage());
    }

    @Test
    void badLaunchConfigurationIsNamed() {
        Kernel k = gpu.kernel("elementwise", "residual_add");
        DeviceException e = assertThrows(DeviceException.class,
                () -> gpu.launch(k, Dim3.of(1), Dim3.of(2048), KernelArgs.of().ptr(0).ptr(0).ptr(0).i32(0)));
        assertTrue(e.getMessage().startsWith("launch of elementwise.ptx:residual_add with grid (1, 1, 1) and block (2048, 1, 1) failed: CUDA_ERROR_"),
                e.getMessage());
        gpu.synchronize(); // a refused launch does not poison the context
    }

    @Test
    void copiesOutsideAllocationsAreRefused() {
        long buf = gpu.alloc(64);
        try {
            IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                    () -> gpu.toDevice(buf + 32, new float[16], 0, 16));
            assertTrue(past.getMessage().contains("run past the end of the allocation"), past.getMessage());
            assertThrows(IllegalArgumentException.class, () -> gpu.toHost(12345, new float[1], 0, 1));
            assertThrows(IllegalArgumentException.class, () -> gpu.free(buf + 4));
        } finally {
            gpu.free(buf);
        }
    }

    @Test
    void closeIsIdempotentAndFreesWhatItHolds() {
        CudaDevice own = CudaDevice.open(gpu.ordinal());
        long buf = own.alloc(1 << 20);
        own.kernel("elementwise", "residual_add");
        assertEquals(1 << 20, own.allocatedBytes());
        own.close();
        own.close();
        assertTrue(own.isClosed());
        assertThrows(IllegalStateException.class, () -> own.alloc(16));
        assertThrows(IllegalStateException.class, () -> own.free(buf));
        // the shared device (same primary context) is unaffected
        long mine = upload(new float[] {1f, 2f});
        float[] back = new float[2];
        gpu.toHost(mine, back, 0, 2);
        gpu.free(mine);
        assertArrayEquals(new float[] {1f, 2f}, back);
    }

    private long upload(float[] v) {
        long p = gpu.alloc(4L * v.length);
        gpu.toDevice(p, v, 0, v.length);
        return p;
    }

    private float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    static double relativeError(float[] expected, float[] actual) {
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs((double) expected[i] - actual[i]));
        }
        return err / scale;
    }
}
