package dev.jbert.bench.gpu;

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
 * Fused attention on the GPU ({@code attention.ptx}, FlashAttention-2 style) in both of its
 * precisions ({@code precision}): {@code fp32}, float32 on CUDA cores, and {@code bf16}, the bf16
 * tensor-core kernels (mma.sync m16n8k16, float32 softmax and accumulation; what
 * {@code --precision bf16} trains with), at BERT-base heads: B = 32 sequences, H = 12 heads of
 * D = 64, T ∈ {128, 512} tokens,
 * attention dropout off ({@code dropout = 0}) and on (0.1, the masks drawn in the kernel from
 * Philox as the CPU draws them). q, k, v are separate [B, T, H·D] buffers (the model's layout), the
 * key mask is all ones (a full batch, as the training-step benchmark feeds).
 * <ul>
 *   <li>{@code forward}: out and the log-sum-exp (what training keeps for backward);</li>
 *   <li>{@code forwardBackward}: that, then the backward (delta, dK/dV, dQ: three launches).</li>
 * </ul>
 * FLOP per forward = 4·B·H·T²·D (QKᵀ and P·V): 1.61 G at T = 128, 25.8 G at T = 512; the backward
 * is counted as 2.5× the forward, as FlashAttention-2's paper and PyTorch's benchmarks count it
 * (our backward recomputes P twice, ~40% more arithmetic, not credited). <b>TFLOP/s = FLOP /
 * (µs/op) / 10⁶</b> (forward: 1×, forward+backward: 3.5× the forward count); the summary script
 * prints it beside {@code F.scaled_dot_product_attention} from {@code hf_baseline.py} on the same
 * shapes.
 *
 * <p>Each invocation queues {@value #REPS} passes, then waits for the GPU.
 *
 * <pre>
 * benchmarks/run.sh 'gpu\.AttentionGpuBenchmark' -f 1 -wi 3 -w 200ms -i 5 -r 200ms
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx4g"})
public class AttentionGpuBenchmark {
    /** Passes queued per invocation (one synchronize per invocation). */
    static final int REPS = 10;

    /** q, k, v, the outputs and the gradients of one shape. */
    @State(Scope.Benchmark)
    public static class Heads {
        @Param({"32"})
        public int batch;

        @Param({"12"})
        public int heads;

        @Param({"64"})
        public int headSize;

        @Param({"128", "512"})
        public int seqLen;

        /** The products' precision: fp32 (CUDA cores) or bf16 (tensor cores). */
        @Param({"fp32", "bf16"})
        public String precision;

        /** Attention-probability dropout p (0 = off). */
        @Param({"0.0", "0.1"})
        public double dropout;

        Device device;
        GpuKernels kernels;
        Buffers buffers;
        int c;
        long q;
        long k;
        long v;
        long keyMask;
        long out;
        long lse;
        long dout;
        long delta;
        long dq;
        long dk;
        long dv;
        long counter;
        Precision mode;

        @Setup(Level.Trial)
        public void setUp() {
            mode = Precision.parse(precision);
            device = Gpu.device();
            kernels = new GpuKernels(device);
            buffers = new Buffers(device, 7);
            c = heads * headSize;
            long tokens = (long) batch * seqLen;
            long rows = tokens * heads;
            q = buffers.random(tokens * c, 1.0);
            k = buffers.random(tokens * c, 1.0);
            v = buffers.random(tokens * c, 1.0);
            keyMask = buffers.constant(batch * seqLen, 1f);
            out = buffers.zeros(tokens * c);
            lse = buffers.zeros(rows);
            dout = buffers.random(tokens * c, 0.01);
            delta = buffers.zeros(rows);
            dq = buffers.zeros(tokens * c);
            dk = buffers.zeros(tokens * c);
            dv = buffers.zeros(tokens * c);
            device.synchronize();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (buffers != null) {
                buffers.close();
            }
        }

        void forward() {
            kernels.attentionForward(mode, q, k, v, keyMask, out, lse, 0, batch, seqLen, heads, headSize, c,
                    1234L, 3, counter, dropout);
        }

        void backward() {
            kernels.attentionBackward(mode, dout, q, k, v, keyMask, out, lse, delta, dq, dk, dv, batch, seqLen,
                    heads, headSize, c, 1234L, 3, counter, dropout);
        }
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void forward(Heads h) {
        for (int r = 0; r < REPS; r++) {
            h.counter++;
            h.forward();
        }
        h.device.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void forwardBackward(Heads h) {
        for (int r = 0; r < REPS; r++) {
            h.counter++;
            h.forward();
            h.backward();
        }
        h.device.synchronize();
    }
}
