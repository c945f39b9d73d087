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
 * DistilBERT-base's embedding lookup on the GPU ({@code embedding.ptx}): B = 32, T = 128 random
 * token ids into the word table [V = 30522, C = 768] plus the position table [512, C] (no
 * token-type table, as DistilBERT).
 * <ul>
 *   <li>{@code forward}: out[r] = word[ids[r]] + pos[r mod T]. Fewest bytes: the ids, the B·T
 *       gathered word rows, the T position rows once, the output: 4·B·T + 8·B·T·C + 4·T·C = 25.6 MB;</li>
 *   <li>{@code backwardWord}: dword[ids[r]] += dsum[r] by {@code atomicAdd}: reads dsum, reads and
 *       writes the touched rows: 4·B·T + 12·B·T·C = 37.8 MB (the position gradient is a separate
 *       launch, not timed here: DistilBERT's checkpoints train it, but it is one [T, C] reduction).</li>
 * </ul>
 * <b>GB/s = bytes / (µs/op) / 1000.</b> Ids, outputs and dsum rotate through sets spanning
 * 256 MiB; the tables (94 MB) are shared. Each invocation queues {@value #REPS} launches.
 *
 * <pre>
 * benchmarks/run.sh 'gpu\.EmbeddingGpuBenchmark' -f 1 -wi 3 -w 200ms -i 5 -r 200ms
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx4g"})
public class EmbeddingGpuBenchmark {
    /** Launches queued per invocation (one synchronize per invocation). */
    static final int REPS = 24;
    private static final int VOCAB = 30522;
    private static final int POSITIONS = 512;
    private static final int PAD_ID = 0;

    /** The tables and rotated batches of ids. */
    @State(Scope.Benchmark)
    public static class Tables {
        @Param({"32"})
        public int batch;

        @Param({"128"})
        public int seqLen;

        @Param({"768"})
        public int hidden;

        Device device;
        GpuKernels kernels;
        Buffers buffers;
        int sets;
        long word;
        long pos;
        long dword;
        long[] ids;
        long[] out;
        long[] dsum;

        @Setup(Level.Trial)
        public void setUp() {
            if (seqLen > POSITIONS) {
                throw new IllegalArgumentException("seqLen must be ≤ " + POSITIONS + ", found " + seqLen);
            }
            device = Gpu.device();
            kernels = new GpuKernels(device);
            buffers = new Buffers(device, 17);
            long n = (long) batch * seqLen * hidden;
            word = buffers.random((long) VOCAB * hidden, 0.05);
            pos = buffers.random((long) POSITIONS * hidden, 0.05);
            dword = buffers.zeros((long) VOCAB * hidden);
            sets = Buffers.rotationSets(8 * n);
            ids = new long[sets];
            out = new long[sets];
            dsum = new long[sets];
            for (int s = 0; s < sets; s++) {
                ids[s] = buffers.randomInts(batch * seqLen, VOCAB);
                out[s] = buffers.zeros(n);
                dsum[s] = buffers.random(n, 0.01);
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
    public void forward(Tables t) {
        for (int i = 0; i < REPS; i++) {
            int s = i % t.sets;
            t.kernels.embeddingForward(t.ids[s], 0, t.word, t.pos, 0, t.out[s], t.batch, t.seqLen, t.hidden);
        }
        t.device.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void backwardWord(Tables t) {
        for (int i = 0; i < REPS; i++) {
            int s = i % t.sets;
            t.kernels.embeddingBackwardWord(t.ids[s], t.dsum[s], t.dword, t.batch * t.seqLen, t.hidden, PAD_ID);
        }
        t.device.synchronize();
    }
}
