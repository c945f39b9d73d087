package dev.jbert.bench;

import dev.jbert.engine.cpu.LayerNormKernel;
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
 * The fused CPU layernorm at BERT-base activations: rows = B·T = 4096, C = 768.
 *
 * <p>Bytes per op: forward reads x and writes y, 8 bytes per element (25.2 MB); backward reads
 * dout and x and writes dx, 12 bytes per element (37.7 MB); γ, β, the row statistics and the
 * dγ/dβ partials are negligible. GB/s = those figures / (µs/op) · 1000 / 1000.
 * Threads: {@code -Djbert.threads=N} (default: all cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class LayerNormBenchmark {
    @Param({"4096"})
    public int rows;
    @Param({"768"})
    public int channels;

    private float[] x;
    private float[] y;
    private float[] gamma;
    private float[] beta;
    private float[] mean;
    private float[] rstd;
    private float[] dout;
    private float[] dx;
    private float[] dgamma;
    private float[] dbeta;

    @Setup(Level.Trial)
    public void setUp() {
        Random rnd = new Random(7);
        int n = rows * channels;
        x = new float[n];
        dout = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (1 + 2 * rnd.nextGaussian());
            dout[i] = (float) rnd.nextGaussian();
        }
        gamma = new float[channels];
        beta = new float[channels];
        for (int c = 0; c < channels; c++) {
            gamma[c] = (float) (1 + 0.1 * rnd.nextGaussian());
            beta[c] = (float) (0.1 * rnd.nextGaussian());
        }
        y = new float[n];
        dx = new float[n];
        mean = new float[rows];
        rstd = new float[rows];
        dgamma = new float[channels];
        dbeta = new float[channels];
        LayerNormKernel.forward(x, rows, channels, gamma, beta, 1e-12f, y, mean, rstd);
    }

    @Benchmark
    public float[] forward() {
        LayerNormKernel.forward(x, rows, channels, gamma, beta, 1e-12f, y, mean, rstd);
        return y;
    }

    @Benchmark
    public float[] backward() {
        LayerNormKernel.backward(dout, x, rows, channels, gamma, mean, rstd, dx, dgamma, dbeta);
        return dx;
    }
}
