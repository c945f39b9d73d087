package dev.jbert.bench;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.cpu.Gemm;
import dev.jbert.engine.cpu.Parallel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SGEMM at BERT-base shapes, jbert against OpenBLAS (through bytedeco) in the same run.
 *
 * <p>M = B·T = 4096 rows; (K, N) = (768, 768) for the attention projections, (768, 3072) for the
 * FFN up projection, (3072, 768) for the FFN down projection. The layout is the one
 * {@code linear} uses: out[M,N] = x[M,K]·wᵀ with w [N, K] (row-major, B transposed: "NT").
 *
 * <p>Read-out: one JMH operation is one MFLOP (2·M·N·K / 10⁶, rounded, given by
 * {@code @OperationsPerInvocation}), and the unit is ops/ms, so <b>the score is GFLOP/s</b>.
 *
 * <p>The jbert and OpenBLAS benchmarks use separate {@link State}s, so a jbert fork never loads
 * OpenBLAS: its idle worker threads spin for a while after each call and, sharing two cores, halve
 * the speed of whatever runs next in the same process. OpenBLAS gets off-heap copies of the data
 * ({@link FloatPointer}s made once in the set-up): its {@code float[]} overloads go through JNI
 * array pinning/copying, which costs more than the multiplication at these sizes.
 *
 * <p>Threads: jbert's pool and OpenBLAS both get {@code -Djbert.threads=N} (default: all cores).
 * OpenBLAS picks its kernel from the CPU it detects; {@code OPENBLAS_CORETYPE=SkylakeX} (or
 * {@code Haswell}) in the environment forces one. {@code OPENBLAS_VERBOSE=2} prints the choice.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx4g"})
public class GemmBenchmark {
    private static final int M = 4096;
    private static final int C = 768;
    private static final int F = 3072;

    /** 2·4096·768·768 FLOP in MFLOP. */
    private static final int MFLOP_768_768 = 4832;
    /** 2·4096·768·3072 FLOP in MFLOP (either orientation of the FFN). */
    private static final int MFLOP_768_3072 = 19327;

    /** The operands, as jbert takes them. */
    @State(Scope.Benchmark)
    public static class Data {
        float[] x768;
        float[] x3072;
        float[] w768x768;
        float[] w3072x768;
        float[] w768x3072;
        float[] bias3072;
        float[] out768;
        float[] out3072;
        float[] pre3072;

        @Setup(Level.Trial)
        public void setUp() {
            Random rnd = new Random(42);
            x768 = random(rnd, M * C);
            x3072 = random(rnd, M * F);
            w768x768 = random(rnd, C * C);
            w3072x768 = random(rnd, F * C);
            w768x3072 = random(rnd, C * F);
            bias3072 = random(rnd, F);
            out768 = new float[M * C];
            out3072 = new float[M * F];
            pre3072 = new float[M * F];
        }
    }

    /** The same operands off-heap for OpenBLAS, with its thread count set to jbert's. */
    @State(Scope.Benchmark)
    public static class Blas {
        FloatPointer x768;
        FloatPointer x3072;
        FloatPointer w768x768;
        FloatPointer w3072x768;
        FloatPointer w768x3072;
        FloatPointer out768;
        FloatPointer out3072;

        @Setup(Level.Trial)
        public void setUp(Data d) {
            openblas.blas_set_num_threads(Parallel.threads());
            x768 = new FloatPointer(d.x768);
            x3072 = new FloatPointer(d.x3072);
            w768x768 = new FloatPointer(d.w768x768);
            w3072x768 = new FloatPointer(d.w3072x768);
            w768x3072 = new FloatPointer(d.w768x3072);
            out768 = new FloatPointer((long) M * C);
            out3072 = new FloatPointer((long) M * F);
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * 0.5);
        }
        return v;
    }

    private static float[] jbert(float[] x, int k, float[] w, int n, float[] out) {
        Gemm.sgemm(false, true, M, n, k, 1f, x, 0, k, w, 0, k, 0f, out, 0, n);
        return out;
    }

    private static FloatPointer openblasNT(FloatPointer x, int k, FloatPointer w, int n, FloatPointer out) {
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans,
                M, n, k, 1f, x, k, w, k, 0f, out, n);
        return out;
    }

    // ---------------------------------------------------------------- K=768, N=768

    @Benchmark
    @OperationsPerInvocation(MFLOP_768_768)
    public float[] jbert_k768_n768(Data d) {
        return jbert(d.x768, C, d.w768x768, C, d.out768);
    }

    @Benchmark
    @OperationsPerInvocation(MFLOP_768_768)
    public FloatPointer openblas_k768_n768(Blas b) {
        return openblasNT(b.x768, C, b.w768x768, C, b.out768);
    }

    // ---------------------------------------------------------------- K=768, N=3072

    @Benchmark
    @OperationsPerInvocation(MFLOP_768_3072)
    public float[] jbert_k768_n3072(Data d) {
        return jbert(d.x768, C, d.w3072x768, F, d.out3072);
    }

    @Benchmark
    @OperationsPerInvocation(MFLOP_768_3072)
    public FloatPointer openblas_k768_n3072(Blas b) {
        return openblasNT(b.x768, C, b.w3072x768, F, b.out3072);
    }

    /** The FFN up projection as the training path runs it: bias, GELU and the pre-activation fused. */
    @Benchmark
    @OperationsPerInvocation(MFLOP_768_3072)
    public float[] jbert_linearGelu_k768_n3072(Data d) {
        Gemm.linear(d.x768, 0, M, C, d.w3072x768, d.bias3072, Activation.GELU, d.pre3072, 0, d.out3072, 0, F);
        return d.out3072;
    }

    // ---------------------------------------------------------------- K=3072, N=768

    @Benchmark
    @OperationsPerInvocation(MFLOP_768_3072)
    public float[] jbert_k3072_n768(Data d) {
        return jbert(d.x3072, F, d.w768x3072, C, d.out768);
    }

    @Benchmark
    @OperationsPerInvocation(MFLOP_768_3072)
    public FloatPointer openblas_k3072_n768(Blas b) {
        return openblasNT(b.x3072, F, b.w768x3072, C, b.out768);
    }
}
