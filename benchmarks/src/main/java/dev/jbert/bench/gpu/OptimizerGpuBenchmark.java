package dev.jbert.bench.gpu;

import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.ops.AdamWScalars;
import dev.jbert.kernels.ops.GpuKernels;
import dev.jbert.kernels.ops.OptimizerLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The optimizer kernels on the GPU ({@code optimizer.ptx}) over every trainable parameter of
 * DistilBERT-base with a 2-label head: 66,955,010 floats in 104 tensors, laid out by
 * {@link OptimizerLayout} exactly as the device model lays them out (HF's decay groups).
 * <ul>
 *   <li>{@code adamwStep}: one fused AdamW update of all tensors (weight decay 0.01, lr 5e-5):
 *       reads p, g, m, v and writes p, m, v: 28 bytes per parameter, 1.87 GB;</li>
 *   <li>{@code gradNorm}: the global L2 norm of the gradients and the clip coefficient
 *       (two launches: per-chunk partial sums in double, then the finish): reads g once, 4 bytes
 *       per parameter, 268 MB.</li>
 * </ul>
 * Memory bound: <b>GB/s = bytes / (µs/op) / 1000</b> (the summary uses the parameter count, not
 * the layout's 256-byte alignment padding). The buffers are far larger than L2, so they are not
 * rotated. Values are random (parameters ±0.05, gradients ±5e-4, moments consistent with them),
 * zero in the padding as the layout requires.
 *
 * <pre>
 * benchmarks/run.sh 'gpu\.OptimizerGpuBenchmark' -f 1 -wi 3 -w 200ms -i 5 -r 200ms
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx6g"})
public class OptimizerGpuBenchmark {
    /** Passes queued per invocation (one synchronize per invocation). */
    static final int REPS = 5;

    /** The four flat buffers of a DistilBERT-base classifier and the layout's device tables. */
    @State(Scope.Benchmark)
    public static class FlatBuffers {
        Device device;
        GpuKernels kernels;
        Buffers buffers;
        OptimizerLayout.OnDevice layout;
        long params;
        long grads;
        long expAvg;
        long expAvgSq;
        long normPartial;
        long normAndCoef;
        AdamWScalars scalars;

        @Setup(Level.Trial)
        public void setUp() {
            device = Gpu.device();
            kernels = new GpuKernels(device);
            buffers = new Buffers(device, 19);
            List<Parameter> trainable = new ArrayList<>();
            for (Parameter p : new SequenceClassifier(ModelConfig.distilbertBase().withNumLabels(2)).parameters()) {
                if (p.trainable()) {
                    trainable.add(p);
                }
            }
            long[] sizes = new long[trainable.size()];
            boolean[] decays = new boolean[trainable.size()];
            for (int t = 0; t < sizes.length; t++) {
                sizes[t] = trainable.get(t).value().size();
                decays[t] = trainable.get(t).decays();
            }
            OptimizerLayout l = OptimizerLayout.of(sizes, decays);
            params = buffers.zeros(l.totalFloats());
            grads = buffers.zeros(l.totalFloats());
            expAvg = buffers.zeros(l.totalFloats());
            expAvgSq = buffers.zeros(l.totalFloats());
            normPartial = buffers.zeroDoubles(l.numChunks());
            normAndCoef = buffers.zeros(2);
            SplittableRandom r = new SplittableRandom(23);
            for (int t = 0; t < l.numTensors(); t++) {
                int n = (int) l.size(t);
                long at = l.offset(t) * Float.BYTES;
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (0.05 * (2 * r.nextDouble() - 1));
                }
                device.toDevice(params + at, v, 0, n);
                for (int i = 0; i < n; i++) {
                    v[i] *= 0.01f;                      // gradient
                }
                device.toDevice(grads + at, v, 0, n);
                for (int i = 0; i < n; i++) {
                    v[i] = v[i] * v[i];                 // exp_avg_sq ≈ g²
                }
                device.toDevice(expAvgSq + at, v, 0, n);
                for (int i = 0; i < n; i++) {
                    v[i] = (float) Math.sqrt(v[i]) * 0.1f; // exp_avg ≈ 0.1·|g|
                }
                device.toDevice(expAvg + at, v, 0, n);
            }
            layout = l.upload(device);
            scalars = AdamWScalars.of(5e-5, 0.9, 0.999, 1e-8, 0.01, 10);
            device.synchronize();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (buffers != null) {
                buffers.close(); // waits for the GPU first
            }
            if (layout != null) {
                layout.close();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void adamwStep(FlatBuffers s) {
        for (int i = 0; i < REPS; i++) {
            s.kernels.adamwStep(s.layout, s.params, s.grads, s.expAvg, s.expAvgSq, s.scalars, 0);
        }
        s.device.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void gradNorm(FlatBuffers s) {
        for (int i = 0; i < REPS; i++) {
            s.kernels.gradNorm(s.layout, s.grads, s.normPartial, 1.0, s.normAndCoef);
        }
        s.device.synchronize();
    }
}
