package dev.jbert.bench.gpu;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.ops.GpuKernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The elementwise kernels on the GPU ({@code elementwise.ptx}) at BERT-base sizes, M = B·T = 4096:
 * <ul>
 *   <li>{@code geluForward}: the exact (erf) GELU over the FFN activations, n = M·F = 4096·3072;
 *       reads x, writes y: 8·n = 100.7 MB;</li>
 *   <li>{@code geluBackward}: dx = dout·GELU'(preact) over the same n: reads preact and dout,
 *       writes dx: 12·n = 151 MB;</li>
 *   <li>{@code dropoutForward}: hidden-state dropout, p = 0.1, n = M·C = 4096·768, keeping the mask
 *       for backward: reads x, writes y and the mask: 12·n = 37.7 MB (the Philox draw is arithmetic);</li>
 *   <li>{@code residualAdd}: out = a + b over n = M·C: 12·n = 37.7 MB.</li>
 * </ul>
 * Memory bound: <b>GB/s = bytes / (µs/op) / 1000</b>, against the measured device-memory
 * bandwidth. Inputs rotate through sets spanning 256 MiB (so L2 does not serve them) and each
 * invocation queues {@value #REPS} launches before waiting for the GPU.
 *
 * <pre>
 * benchmarks/run.sh 'gpu\.ElementwiseGpuBenchmark' -f 1 -wi 3 -w 200ms -i 5 -r 200ms
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx4g"})
public class ElementwiseGpuBenchmark {
    /** Launches queued per invocation (one synchronize per invocation). */
    static final int REPS = 24;

    /** Rotated buffers for the FFN-sized (GELU) and hidden-sized (dropout, residual) kernels. */
    @State(Scope.Benchmark)
    public static class Tensors {
        @Param({"4096"})
        public int rows;

        @Param({"768"})
        public int hidden;

        @Param({"3072"})
        public int ffn;

        Device device;
        GpuKernels kernels;
        Buffers buffers;
        int ffnElements;
        int hiddenElements;
        int ffnSets;
        int hiddenSets;
        long[] preact;
        long[] act;
        long[] dact;
        long[] dpreact;
        long[] a;
        long[] b;
        long[] sum;
        long[] mask;
        long counter;

        @Setup(Level.Trial)
        public void setUp() {
            device = Gpu.device();
            kernels = new GpuKernels(device);
            buffers = new Buffers(device, 13);
            ffnElements = Math.multiplyExact(rows, ffn);
            hiddenElements = Math.multiplyExact(rows, hidden);
            ffnSets = Buffers.rotationSets(8L * ffnElements);
            hiddenSets = Buffers.rotationSets(12L * hiddenElements);
            preact = new long[ffnSets];
            act = new long[ffnSets];
            dact = new long[ffnSets];
            dpreact = new long[ffnSets];
            for (int s = 0; s < ffnSets; s++) {
                preact[s] = buffers.random(ffnElements, 3.0);
                act[s] = buffers.zeros(ffnElements);
                dact[s] = buffers.random(ffnElements, 1.0);
                dpreact[s] = buffers.zeros(ffnElements);
            }
            a = new long[hiddenSets];
            b = new long[hiddenSets];
            sum = new long[hiddenSets];
            mask = new long[hiddenSets];
            for (int s = 0; s < hiddenSets; s++) {
                a[s] = buffers.random(hiddenElements, 1.0);
                b[s] = buffers.random(hiddenElements, 1.0);
                sum[s] = buffers.zeros(hiddenElements);
                mask[s] = buffers.zeros(hiddenElements);
            }
            device.synchronize();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (buffers != null) {
                buffers.close();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void geluForward(Tensors t) {
        for (int i = 0; i < REPS; i++) {
            int s = i % t.ffnSets;
            t.kernels.activationForward(t.preact[s], t.act[s], t.ffnElements, Activation.GELU);
        }
        t.device.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void geluBackward(Tensors t) {
        for (int i = 0; i < REPS; i++) {
            int s = i % t.ffnSets;
            t.kernels.activationBackward(t.preact[s], t.dact[s], t.dpreact[s], t.ffnElements, Activation.GELU);
        }
        t.device.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void dropoutForward(Tensors t) {
        for (int i = 0; i < REPS; i++) {
            int s = i % t.hiddenSets;
            t.counter++;
            t.kernels.dropoutForward(t.a[s], t.sum[s], t.mask[s], t.hiddenElements, 1234L, 5, t.counter, 0.1);
        }
        t.device.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void residualAdd(Tensors t) {
        for (int i = 0; i < REPS; i++) {
            int s = i % t.hiddenSets;
            t.kernels.residualAdd(t.a[s], t.b[s], t.sum[s], t.hiddenElements);
        }
        t.device.synchronize();
    }
}
