package dev.jbert.bench.gpu;

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
 * LayerNorm on the GPU ({@code layernorm.ptx}) at BERT-base activations: rows = B·T = 4096,
 * C = 768, eps 1e-12 (DistilBERT's).
 *
 * <p>Memory bound. The fewest bytes each pass must move (every input read once, every output
 * written once): forward reads x and writes y, plus the row statistics (mean, rstd) it keeps for
 * backward: 8·rows·C + 8·rows = 25.2 MB; backward reads dout, x and the statistics and writes dx:
 * 12·rows·C + 8·rows = 37.8 MB (γ, dγ, dβ: 3·C floats, and the slab partials of dγ/dβ are
 * negligible; our backward reads dout and x twice, once for dγ/dβ and once for dx, which costs
 * time but is not credited). <b>GB/s = bytes / (µs/op) / 1000</b>, against the device-memory
 * bandwidth that {@code hf_baseline.py} measures with a large copy.
 *
 * <p>So that consecutive launches do not find their input in L2 (50 MB on an H100), each
 * invocation cycles through {@code sets} independent x/y/dout/dx buffers spanning 256 MiB, and
 * queues {@value #REPS} passes before waiting for the GPU.
 *
 * <pre>
 * benchmarks/run.sh 'gpu\.LayerNormGpuBenchmark' -f 1 -wi 3 -w 200ms -i 5 -r 200ms
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx4g"})
public class LayerNormGpuBenchmark {
    /** Passes queued per invocation (one synchronize per invocation). */
    static final int REPS = 24;
    private static final float EPS = 1e-12f;

    /** Rotated sets of activations, with γ and β shared. */
    @State(Scope.Benchmark)
    public static class Rows {
        @Param({"4096"})
        public int rows;

        @Param({"768"})
        public int channels;

        Device device;
        GpuKernels kernels;
        Buffers buffers;
        int sets;
        long[] x;
        long[] y;
        long[] mean;
        long[] rstd;
        long[] dout;
        long[] dx;
        long gamma;
        long beta;
        long dgamma;
        long dbeta;
        long partial;

        @Setup(Level.Trial)
        public void setUp() {
            device = Gpu.device();
            kernels = new GpuKernels(device);
            buffers = new Buffers(device, 11);
            long n = (long) rows * channels;
            sets = Buffers.rotationSets(12 * n);
            x = new long[sets];
            y = new long[sets];
            mean = new long[sets];
            rstd = new long[sets];
            dout = new long[sets];
            dx = new long[sets];
            gamma = buffers.random(channels, 1.0, 0.1);
            beta = buffers.random(channels, 0.1);
            dgamma = buffers.zeros(channels);
            dbeta = buffers.zeros(channels);
            partial = buffers.zeros(GpuKernels.layerNormPartialFloats(rows, channels));
            for (int s = 0; s < sets; s++) {
                x[s] = buffers.random(n, 1.0, 2.0);
                y[s] = buffers.zeros(n);
                mean[s] = buffers.zeros(rows);
                rstd[s] = buffers.zeros(rows);
                dout[s] = buffers.random(n, 1.0);
                dx[s] = buffers.zeros(n);
                kernels.layerNormForward(x[s], gamma, beta, y[s], mean[s], rstd[s], rows, channels, EPS);
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
    public void forward(Rows r) {
        for (int i = 0; i < REPS; i++) {
            int s = i % r.sets;
            r.kernels.layerNormForward(r.x[s], r.gamma, r.beta, r.y[s], r.mean[s], r.rstd[s], r.rows, r.channels, EPS);
        }
        r.device.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void backward(Rows r) {
        for (int i = 0; i < REPS; i++) {
            int s = i % r.sets;
            r.kernels.layerNormBackward(r.dout[s], r.x[s], r.gamma, r.mean[s], r.rstd[s], r.dx[s], r.dgamma, r.dbeta,
                    r.partial, r.rows, r.channels);
        }
        r.device.synchronize();
    }
}
