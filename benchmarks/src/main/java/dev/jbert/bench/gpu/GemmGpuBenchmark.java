package dev.jbert.bench.gpu;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.kernels.cuda.Cublas;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.ops.GpuKernels;
import dev.jbert.kernels.ops.Precision;
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
 * The linear layers' three products on the GPU at BERT/DistilBERT-base shapes, our kernels
 * ({@code gemm_f32} / {@code gemm_tc} through {@link GpuKernels}) beside cuBLAS (through
 * {@link Cublas}) in the same run, in fp32, tf32 and bf16:
 * <ul>
 *   <li>{@code forward}: {@code out[M,N] = x[M,K]·w[N,K]ᵀ} (no bias, no activation: the product alone);</li>
 *   <li>{@code backwardInput}: {@code dx[M,K] = dy[M,N]·w[N,K]};</li>
 *   <li>{@code backwardWeight}: {@code dw[N,K] += dy[M,N]ᵀ·x[M,K]} (our kernel splits K over M and
 *       adds a {@code splitk_reduce} launch when the output has few tiles: that launch is timed too).</li>
 * </ul>
 * M = B·T = 32·128 = 4096 tokens; {@code shape} = N×K: 768×768 (the attention projections, one
 * each for Q, K, V and the output: the model does not fuse QKV, so 2304×768 does not occur),
 * 3072×768 (FFN up) and 768×3072 (FFN down). Each product is 2·M·N·K FLOP: 4.83 GFLOP for 768×768,
 * 19.33 GFLOP for the FFN shapes; <b>TFLOP/s = 2·M·N·K / (µs/op) / 10⁶</b>, which
 * {@code benchmarks/python/summarize.py} prints for every row.
 *
 * <p>Precisions: fp32 = float32 on CUDA cores (ours: {@code *_f32}; cuBLAS: {@code cublasSgemm});
 * tf32 = tensor cores, float32 buffers (ours round while staging; cuBLAS
 * {@code CUBLAS_COMPUTE_32F_FAST_TF32}); bf16 = tensor cores, float32 accumulation: our kernels
 * read the float32 buffers and round to bf16 on the way to shared memory, cuBLAS reads bf16 copies
 * of the inputs (half the bytes; it cannot round while loading). Outputs are float32 everywhere.
 *
 * <p>One operation is one product; each invocation queues {@value #REPS} of them back to back and
 * then waits for the GPU ({@code synchronize}), so the time is the GPU's, with one launch-and-wait
 * round trip spread over {@value #REPS} products. Inputs are random (never zeros) and the same
 * buffers are reused, as in cuBLAS's own benchmarks; the operands (≤ 63 MB) are not rotated.
 * Where cuBLAS cannot be loaded the {@code impl=cublas} rows fail with one line saying why, and
 * {@code benchmarks/python/hf_baseline.py}'s {@code torch.matmul} (cuBLAS underneath) is the
 * baseline instead.
 *
 * <pre>
 * benchmarks/run.sh 'gpu\.GemmGpuBenchmark' -f 1 -wi 3 -w 200ms -i 5 -r 200ms
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx4g"})
public class GemmGpuBenchmark {
    /** Products queued per invocation (one synchronize per invocation). */
    static final int REPS = 20;

    /** The operands of one shape and precision, and who multiplies them. */
    @State(Scope.Benchmark)
    public static class Operands {
        /** Rows of the input: B·T tokens. */
        @Param({"4096"})
        public int m;

        /** N×K of the weight [N, K]. */
        @Param({"768x768", "3072x768", "768x3072"})
        public String shape;

        @Param({"FP32", "TF32", "BF16"})
        public Precision precision;

        /** {@code jbert}: our kernels; {@code cublas}: NVIDIA's cuBLAS on the same device and stream. */
        @Param({"jbert", "cublas"})
        public String impl;

        Device device;
        GpuKernels kernels;
        Cublas cublas;
        Buffers buffers;
        int n;
        int k;
        /** Inputs: float32 for our kernels (and cuBLAS fp32/tf32), bf16 copies for cuBLAS bf16. */
        long x;
        long w;
        long dy;
        long out;
        long dx;
        long dw;
        long partial;

        @Setup(Level.Trial)
        public void setUp() {
            String[] nk = shape.split("x");
            if (nk.length != 2) {
                throw new IllegalArgumentException("shape must be NxK (e.g. 768x3072), found '" + shape + "'");
            }
            n = Integer.parseInt(nk[0]);
            k = Integer.parseInt(nk[1]);
            device = Gpu.device();
            boolean ours = switch (impl) {
                case "jbert" -> true;
                case "cublas" -> false;
                default -> throw new IllegalArgumentException("impl must be jbert or cublas, found '" + impl + "'");
            };
            if (ours) {
                kernels = new GpuKernels(device);
            } else {
                cublas = Gpu.cublas();
            }
            buffers = new Buffers(device, 42);
            float[] hx = buffers.randomHost(m * k, 1.0);
            float[] hw = buffers.randomHost(n * k, 0.05);
            float[] hdy = buffers.randomHost(m * n, 0.01);
            boolean bf16Copies = !ours && precision == Precision.BF16;
            x = bf16Copies ? buffers.bf16(hx) : buffers.upload(hx);
            w = bf16Copies ? buffers.bf16(hw) : buffers.upload(hw);
            dy = bf16Copies ? buffers.bf16(hdy) : buffers.upload(hdy);
            out = buffers.zeros((long) m * n);
            dx = buffers.zeros((long) m * k);
            dw = buffers.zeros((long) n * k);
            partial = ours ? buffers.zeros(GpuKernels.weightPartialFloats(m, n, k)) : 0;
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
    public void forward(Operands o) {
        for (int r = 0; r < REPS; r++) {
            if (o.cublas == null) {
                o.kernels.linearForward(o.precision, o.x, o.w, 0, 0, o.out, o.m, o.n, o.k, Activation.NONE);
            } else {
                o.cublas.linearForward(o.precision, o.x, o.w, o.out, o.m, o.n, o.k);
            }
        }
        o.device.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void backwardInput(Operands o) {
        for (int r = 0; r < REPS; r++) {
            if (o.cublas == null) {
                o.kernels.linearBackwardInput(o.precision, o.dy, o.w, o.dx, o.m, o.n, o.k, false);
            } else {
                o.cublas.linearBackwardInput(o.precision, o.dy, o.w, o.dx, o.m, o.n, o.k, false);
            }
        }
        o.device.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void backwardWeight(Operands o) {
        for (int r = 0; r < REPS; r++) {
            if (o.cublas == null) {
                o.kernels.linearBackwardWeight(o.precision, o.dy, o.x, o.dw, o.partial, o.m, o.n, o.k);
            } else {
                o.cublas.linearBackwardWeight(o.precision, o.dy, o.x, o.dw, o.m, o.n, o.k, true);
            }
        }
        o.device.synchronize();
    }
}
