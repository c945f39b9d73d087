package dev.jbert.bench;

import dev.jbert.engine.cpu.AttentionKernel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The fused CPU attention kernel at DistilBERT-base shapes (H = 12, D = 64, T = 128), padded
 * batch (batch row b has T − 8·(b mod 4) real tokens), no dropout.
 *
 * <p>Flops (multiply + add = 2): forward 4·B·H·T²·D (QKᵀ and PV); backward 8·B·H·T²·D
 * (dP = dout·Vᵀ, dQ, dK, dV); forward + backward 12·B·H·T²·D. At B = 16 that is 0.805 GFLOP
 * forward and 2.42 GFLOP forward + backward: GFLOP/s = those figures / (ms/op) · 1000.
 * Threads: {@code -Djbert.threads=N} (default: all cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class AttentionBenchmark {
    @Param({"16"})
    public int batch;
    @Param({"128"})
    public int tokens;
    @Param({"12"})
    public int heads;
    @Param({"64"})
    public int headSize;

    private float[] q;
    private float[] k;
    private float[] v;
    private float[] keyMask;
    private float[] probs;
    private float[] out;
    private float[] dout;
    private float[] dq;
    private float[] dk;
    private float[] dv;

    @Setup(Level.Trial)
    public void setUp() {
        int n = batch * tokens * heads * headSize;
        Random rnd = new Random(42);
        q = randn(rnd, n);
        k = randn(rnd, n);
        v = randn(rnd, n);
        dout = randn(rnd, n);
        keyMask = new float[batch * tokens];
        for (int b = 0; b < batch; b++) {
            int len = tokens - 8 * (b % 4);
            for (int t = 0; t < len; t++) {
                keyMask[b * tokens + t] = 1f;
            }
        }
        probs = new float[batch * heads * tokens * tokens];
        out = new float[n];
        dq = new float[n];
        dk = new float[n];
        dv = new float[n];
        // one pass so that probs holds a real forward for the backward-only benchmark
        AttentionKernel.forward(q, k, v, keyMask, batch, tokens, heads, headSize, probs, null, out);
    }

    private static float[] randn(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /** Training forward: probabilities kept in [B, H, T, T] for the backward pass. */
    @Benchmark
    public float[] forward() {
        AttentionKernel.forward(q, k, v, keyMask, batch, tokens, heads, headSize, probs, null, out);
        return out;
    }

    /** Inference forward: no probabilities kept (per-thread scratch rows only). */
    @Benchmark
    public float[] forwardInference() {
        AttentionKernel.forward(q, k, v, keyMask, batch, tokens, heads, headSize, null, null, out);
        return out;
    }

    @Benchmark
    public float[] forwardBackward() {
        AttentionKernel.forward(q, k, v, keyMask, batch, tokens, heads, headSize, probs, null, out);
        AttentionKernel.backward(dout, q, k, v, keyMask, batch, tokens, heads, headSize, probs, null, dq, dk, dv);
        return dq;
    }
}
