package dev.jbert.kernels.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.cpu.Gemm;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.device.DeviceException;
import dev.jbert.kernels.device.DeviceOutOfMemoryException;
import dev.jbert.kernels.device.Dim3;
import dev.jbert.kernels.device.Kernel;
import dev.jbert.kernels.device.KernelArgs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulated device as the CUDA backend's host code sees it: memory round trips, fills and
 * copies, launches of real kernels checked against the CPU backend (dev.jbert.engine.cpu), and the
 * errors host code must get where a GPU would fail (unknown kernels, mistyped arguments, launch
 * limits, memory exhausted, bad frees).
 */
class EmulatedDeviceTest {
    private static final long CAPACITY = 64L << 20;
    private static EmulatedDevice device;

    /** Opened by the first test (where it cannot be, each test is skipped with the reason, visibly). */
    @BeforeEach
    void open() {
        if (device == null) {
            device = Emulator.newDevice(CAPACITY);
        }
    }

    @AfterAll
    static void close() {
        if (device != null) {
            device.close();
        }
    }

    @AfterEach
    void everythingFreed() {
        if (device != null) {
            assertEquals(0, device.liveAllocations(), "a test leaked device memory");
            assertEquals(CAPACITY, device.freeMemory());
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    // ------------------------------------------------------------------ memory

    @Test
    void describesItself() {
        assertEquals("CPU emulator of the CUDA kernels (libjbemu.so)", device.description());
        assertEquals(CAPACITY, device.totalMemory());
    }

    @Test
    void memoryRoundTripsEveryElementType() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 1001;
        float[] f = random(r, n);
        int[] i = r.ints(n).toArray();
        long[] l = r.longs(n).toArray();
        double[] d = r.doubles(n).toArray();
        long pf = device.alloc((long) n * Float.BYTES);
        long pi = device.alloc((long) n * Integer.BYTES);
        long pl = device.alloc((long) n * Long.BYTES);
        long pd = device.alloc((long) n * Double.BYTES);
        try {
            for (long p : new long[] {pf, pi, pl, pd}) {
                assertEquals(0, p % 256, "allocations are 256-byte aligned, as cuMemAlloc's");
            }
            // whole arrays, then a slice at an offset on both sides
            device.toDevice(pf, f, 0, n);
            device.toDevice(pi, i, 0, n);
            device.toDevice(pl, l, 0, n);
            device.toDevice(pd, d, 0, n);
            float[] f2 = new float[n];
            int[] i2 = new int[n];
            long[] l2 = new long[n];
            double[] d2 = new double[n];
            device.toHost(pf, f2, 0, n);
            device.toHost(pi, i2, 0, n);
            device.toHost(pl, l2, 0, n);
            device.toHost(pd, d2, 0, n);
            assertArrayEquals(f, f2);
            assertArrayEquals(i, i2);
            assertArrayEquals(l, l2);
            assertArrayEquals(d, d2);

            float[] back = new float[20];
            device.toHost(pf + 7L * Float.BYTES, back, 3, 10);
            for (int k = 0; k < 10; k++) {
                assertEquals(f[7 + k], back[3 + k]);
            }
            device.toDevice(pd + 5L * Double.BYTES, new double[] {-1, -2, -3}, 1, 2);
            device.toHost(pd, d2, 0, n);
            assertEquals(-2.0, d2[5]);
            assertEquals(-3.0, d2[6]);
            assertEquals(d[7], d2[7]);
        } finally {
            device.free(pf);
            device.free(pi);
            device.free(pl);
            device.free(pd);
        }
    }

    @Test
    void freshMemoryReadsAsNanNotZero() {
        long p = device.alloc(64);
        try {
            float[] f = new float[16];
            device.toHost(p, f, 0, 16);
            for (float v : f) {
                assertTrue(Float.isNaN(v), "device memory is not zeroed by alloc; the emulator fills it with NaN");
            }
        } finally {
            device.free(p);
        }
    }

    @Test
    void zeroAndCopyAffectExactlyTheirRange() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 333;
        float[] a = random(r, n);
        float[] b = random(r, n);
        long pa = device.alloc((long) n * Float.BYTES);
        long pb = device.alloc((long) n * Float.BYTES);
        try {
            device.toDevice(pa, a, 0, n);
            device.toDevice(pb, b, 0, n);
            device.zero(pa + 10L * Float.BYTES, 50L * Float.BYTES);
            device.copy(pb + 100L * Float.BYTES, pa, 80L * Float.BYTES);
            float[] wantA = a.clone();
            for (int k = 10; k < 60; k++) {
                wantA[k] = 0f;
            }
            float[] wantB = b.clone();
            System.arraycopy(wantA, 0, wantB, 100, 80);
            float[] gotA = new float[n];
            float[] gotB = new float[n];
            device.toHost(pa, gotA, 0, n);
            device.toHost(pb, gotB, 0, n);
            assertArrayEquals(wantA, gotA);
            assertArrayEquals(wantB, gotB);
            device.zero(pb, 0);
            device.copy(pb, pa, 0);
        } finally {
            device.free(pa);
            device.free(pb);
        }
    }

    @Test
    void copiesOutsideAnAllocationAreRefused() {
        long p = device.alloc(100);
        try {
            IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                    () -> device.toDevice(p + 4, new float[25], 0, 25));
            assertTrue(past.getMessage().contains("run past the end"), past.getMessage());
            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                    () -> device.zero(p + 4096, 4));
            assertTrue(outside.getMessage().contains("not inside any allocation"), outside.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> device.toHost(p, new float[4], 2, 3));
        } finally {
            device.free(p);
        }
    }

    // ------------------------------------------------------------------ kernels against the CPU backend

    @Test
    void residualAddMatchesJavaBitForBit() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 1001;
        float[] a = random(r, n);
        float[] b = random(r, n);
        long pa = device.alloc((long) n * Float.BYTES);
        long pb = device.alloc((long) n * Float.BYTES);
        long pout = device.alloc((long) n * Float.BYTES);
        try {
            device.toDevice(pa, a, 0, n);
            device.toDevice(pb, b, 0, n);
            Kernel add = device.kernel("elementwise", "residual_add");
            assertSame(add, device.kernel("elementwise", "residual_add"), "kernels are cached");
            // a full grid, then a short one (the kernel's grid-stride loop covers the rest)
            for (int blocks : new int[] {Dim3.cdiv(n, 256), 2}) {
                device.zero(pout, (long) n * Float.BYTES);
                device.launch(add, Dim3.of(blocks), Dim3.of(256), KernelArgs.of().ptr(pa).ptr(pb).ptr(pout).i32(n));
                device.synchronize();
                float[] out = new float[n];
                device.toHost(pout, out, 0, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(a[i] + b[i]), Float.floatToRawIntBits(out[i]),
                            "out[" + i + "] with " + blocks + " blocks");
                }
            }
        } finally {
            device.free(pa);
            device.free(pb);
            device.free(pout);
        }
    }

    @Test
    void linearForwardF32MatchesTheCpuGemmWithBiasAndGelu() {
        final int m = 37;
        final int n = 45;
        final int k = 29;
        SplittableRandom r = new SplittableRandom(4);
        float[] x = random(r, m * k);
        float[] w = random(r, n * k);
        float[] bias = random(r, n);
        float[] wantPre = new float[m * n];
        float[] wantOut = new float[m * n];
        Gemm.linear(x, 0, m, k, w, bias, Activation.GELU, wantPre, 0, wantOut, 0, n);

        long px = device.alloc((long) m * k * Float.BYTES);
        long pw = device.alloc((long) n * k * Float.BYTES);
        long pb = device.alloc((long) n * Float.BYTES);
        long ppre = device.alloc((long) m * n * Float.BYTES);
        long pout = device.alloc((long) m * n * Float.BYTES);
        float[] pre = new float[m * n];
        float[] out = new float[m * n];
        try {
            device.toDevice(px, x, 0, m * k);
            device.toDevice(pw, w, 0, n * k);
            device.toDevice(pb, bias, 0, n);
            device.launch(device.kernel("gemm_f32", "linear_forward_f32"),
                    Dim3.of(Dim3.cdiv(n, 128), Dim3.cdiv(m, 128)), Dim3.of(256),
                    KernelArgs.of().ptr(px).ptr(pw).ptr(pb).ptr(ppre).ptr(pout).i32(m).i32(n).i32(k)
                            .i32(Activation.GELU.ordinal()));
            device.toHost(ppre, pre, 0, m * n);
            device.toHost(pout, out, 0, m * n);
        } finally {
            device.free(px);
            device.free(pw);
            device.free(pb);
            device.free(ppre);
            device.free(pout);
        }

        // Only the summation order differs: the error of each dot product, relative to the sum
        // of its terms' magnitudes, is a few float ulps.
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double scale = Math.abs(bias[j]);
                for (int kk = 0; kk < k; kk++) {
                    scale += Math.abs((double) x[i * k + kk] * w[j * k + kk]);
                }
                int e = i * n + j;
                worst = Math.max(worst, Math.abs(pre[e] - wantPre[e]) / scale);
                worst = Math.max(worst, Math.abs(out[e] - wantOut[e]) / scale);
                // the epilogue is the CPU's activation of the same pre-activation, to the ulp
                float act = Activation.GELU.apply(pre[e]);
                assertTrue(Math.abs(out[e] - act) <= Math.ulp(act), "out[" + i + "," + j + "] = " + out[e]
                        + " but GELU(preact) = " + act);
            }
        }
        assertTrue(worst < 1e-6, "worst error relative to Σ|x·w| + |bias|: " + worst);
    }

    // ------------------------------------------------------------------ errors host code must get

    @Test
    void unknownKernelsAreNamed() {
        DeviceException noEntry = assertThrows(DeviceException.class, () -> device.kernel("elementwise", "residual_addd"));
        assertTrue(noEntry.getMessage().contains("residual_addd") && noEntry.getMessage().contains("elementwise.ptx"),
                noEntry.getMessage());
        DeviceException wrongModule = assertThrows(DeviceException.class, () -> device.kernel("gemm_f32", "residual_add"));
        assertTrue(wrongModule.getMessage().contains("residual_add") && wrongModule.getMessage().contains("gemm_f32.ptx"),
                wrongModule.getMessage());
        DeviceException noModule = assertThrows(DeviceException.class, () -> device.kernel("gemm_f64", "residual_add"));
        assertTrue(noModule.getMessage().contains("gemm_f64"), noModule.getMessage());
    }

    @Test
    void mistypedOrMiscountedArgumentsAreRefusedBeforeTheKernelRuns() {
        long p = device.alloc(1024);
        try {
            Kernel add = device.kernel("elementwise", "residual_add");
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> device.launch(add, Dim3.of(1), Dim3.of(256), KernelArgs.of().ptr(p).ptr(p).ptr(p)));
            assertTrue(count.getMessage().contains("takes 4 parameters"), count.getMessage());
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> device.launch(add, Dim3.of(1), Dim3.of(256), KernelArgs.of().ptr(p).ptr(p).ptr(p).f32(256f)));
            assertTrue(type.getMessage().contains("parameter 4") && type.getMessage().contains("I32"), type.getMessage());
            IllegalArgumentException notPointer = assertThrows(IllegalArgumentException.class,
                    () -> device.launch(add, Dim3.of(1), Dim3.of(256), KernelArgs.of().ptr(p).u64(p).ptr(p).i32(256)));
            assertTrue(notPointer.getMessage().contains("parameter 2"), notPointer.getMessage());
        } finally {
            device.free(p);
        }
        Kernel add = device.kernel("elementwise", "residual_add");
        IllegalArgumentException freed = assertThrows(IllegalArgumentException.class,
                () -> device.launch(add, Dim3.of(1), Dim3.of(256), KernelArgs.of().ptr(p).ptr(p).ptr(p).i32(256)));
        assertTrue(freed.getMessage().contains("not inside any live allocation"), freed.getMessage());
    }

    @Test
    void launchesBeyondCudaLimitsFailAsOnAGpu() {
        long p = device.alloc(4);
        try {
            Kernel add = device.kernel("elementwise", "residual_add");
            KernelArgs args = KernelArgs.of().ptr(p).ptr(p).ptr(p).i32(1);
            for (Dim3 block : new Dim3[] {Dim3.of(2048), Dim3.of(64, 32)}) {
                DeviceException threads = assertThrows(DeviceException.class, () -> device.launch(add, Dim3.of(1), block, args));
                assertTrue(threads.getMessage().contains("residual_add") && threads.getMessage().contains("2048 threads"),
                        threads.getMessage());
            }
            DeviceException depth = assertThrows(DeviceException.class,
                    () -> device.launch(add, Dim3.of(1), Dim3.of(1, 1, 128), args));
            assertTrue(depth.getMessage().contains("(1024, 1024, 64)"), depth.getMessage());
            DeviceException grid = assertThrows(DeviceException.class,
                    () -> device.launch(add, Dim3.of(1, 70_000), Dim3.of(32), args));
            assertTrue(grid.getMessage().contains("65535"), grid.getMessage());
        } finally {
            device.free(p);
        }
    }

    @Test
    void allocationsBeyondTheCapacityThrowOutOfMemory() {
        try (EmulatedDevice small = Emulator.newDevice(1 << 20)) {
            long a = small.alloc(600_000);
            assertEquals((1 << 20) - 600_064, small.freeMemory(), "allocations reserve whole 256-byte units");
            DeviceOutOfMemoryException oom = assertThrows(DeviceOutOfMemoryException.class, () -> small.alloc(600_000));
            assertTrue(oom.getMessage().contains("asked for 600000 bytes") && oom.getMessage().contains("448512 bytes"),
                    oom.getMessage());
            small.free(a);
            long b = small.alloc(1 << 20);
            assertEquals(0, small.freeMemory());
            small.free(b);
            assertThrows(DeviceOutOfMemoryException.class, () -> small.alloc(Long.MAX_VALUE));
        }
    }

    @Test
    void freeingWhatWasNotAllocatedIsAClearError() {
        device.free(0);
        long p = device.alloc(512);
        IllegalArgumentException inside = assertThrows(IllegalArgumentException.class, () -> device.free(p + 16));
        assertTrue(inside.getMessage().contains("16 bytes into the allocation"), inside.getMessage());
        device.free(p);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> device.free(p));
        assertTrue(twice.getMessage().contains("not an allocation of this emulated device"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> device.alloc(0));
    }

    @Test
    void aClosedDeviceRefusesWorkButTheSharedOneIgnoresClose() {
        EmulatedDevice own = Emulator.newDevice(1 << 20);
        long p = own.alloc(100);
        own.close();
        own.close();
        assertThrows(IllegalStateException.class, () -> own.toHost(p, new float[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> own.alloc(1));

        Device shared = Emulator.device();
        assertSame(shared, Emulator.device());
        shared.close();
        long q = shared.alloc(8);
        shared.free(q);
        assertNotEquals(device, shared);
    }
}
