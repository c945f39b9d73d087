package dev.jbert.bench.gpu;

import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.nn.Initializer;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.AdamW;
import dev.jbert.engine.train.Labels;
import dev.jbert.engine.train.Loss;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.model.DeviceClassifier;
import dev.jbert.kernels.ops.GpuKernels;
import dev.jbert.kernels.ops.Precision;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole fine-tuning step of DistilBERT-base on the GPU, as {@code jbert train --device cuda}
 * runs it: a {@link DeviceClassifier} (weights, gradients, AdamW moments and activations in
 * device memory) of a randomly initialised DistilBERT-base (vocab 30522, dim 768, 6 layers,
 * 12 heads, FFN 3072) with a 2-label head; B = 32 sequences of T = 128 random tokens, no padding.
 * The step: forward with dropout (logits to the host), cross-entropy on the host, dLoss/dlogits
 * to the device, backward, global-norm clipping at 1.0 (the norm comes back to the host), AdamW
 * (lr 5e-5, weight decay 0.01), zero the gradients, wait for the GPU. The same step as
 * {@code dev.jbert.bench.ModelBenchmark.trainStep} on the CPU, and as {@code hf_baseline.py}'s
 * Hugging Face step.
 *
 * <p>{@code precision}: the linear layers' products in fp32 (CUDA cores), tf32 or bf16 (tensor
 * cores); weights, gradients and optimizer state are float32 in all three. <b>Sequences/s =
 * batch / (ms/op) · 1000</b>, against Hugging Face's in the same precision (fp32, tf32 =
 * {@code allow_tf32}, bf16 = autocast).
 *
 * <pre>
 * benchmarks/run.sh 'gpu\.TrainStepGpuBenchmark' -f 1 -wi 3 -w 1s -i 5 -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx6g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TrainStepGpuBenchmark {
    /** The model on the device and one fixed batch. */
    @State(Scope.Benchmark)
    public static class Step {
        @Param({"FP32", "TF32", "BF16"})
        public Precision precision;

        @Param({"32"})
        public int batch;

        @Param({"128"})
        public int seqLen;

        Device device;
        DeviceClassifier model;
        AdamW adam;
        ModelInput input;
        Labels labels;
        Loss loss;
        RunContext train;

        @Setup(Level.Trial)
        public void setUp() {
            device = Gpu.device();
            SequenceClassifier host = new SequenceClassifier(ModelConfig.distilbertBase().withNumLabels(2));
            Initializer.initialize(host.parameters(), 0.02, 0, 1234);
            model = DeviceClassifier.create(device, new GpuKernels(device), precision, host, batch, seqLen);
            adam = new AdamW(host.parameters(), 0.01);
            SplittableRandom r = new SplittableRandom(7);
            int[] ids = new int[batch * seqLen];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 1000 + r.nextInt(29000);
            }
            float[] mask = new float[batch * seqLen];
            Arrays.fill(mask, 1f);
            input = new ModelInput(batch, seqLen, ids, null, mask);
            int[] y = new int[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = r.nextInt(2);
            }
            labels = new Labels.Classes(y);
            loss = Loss.forProblem(ProblemType.SINGLE_LABEL_CLASSIFICATION);
            train = new RunContext(Backends.cpu()).training(true).keepForBackward(true).seed(42);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (model != null) {
                device.synchronize();
                model.close();
            }
        }
    }

    /** Forward, loss, backward, clip, AdamW, zero grads; returns the loss so that nothing is dead code. */
    @Benchmark
    public float trainStep(Step s) {
        float[] logits = s.model.forward(s.train, s.input);
        Tensor lt = new Tensor(Arrays.copyOf(logits, s.batch * 2), s.batch, 2);
        Tensor dl = Tensor.zerosLike(lt);
        float value = s.loss.forward(lt, s.labels, dl);
        s.model.backward(s.train, dl.data());
        s.model.clipGradNorm(1.0);
        s.model.adamwStep(s.adam, 5e-5);
        s.model.zeroGrad();
        s.train.counter(s.train.counter() + 1);
        s.device.synchronize();
        return value;
    }
}
