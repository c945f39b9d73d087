package dev.jbert.bench;

import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.nn.Initializer;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.AdamW;
import dev.jbert.engine.train.GradClip;
import dev.jbert.engine.train.Labels;
import dev.jbert.engine.train.Loss;
import dev.jbert.engine.config.ProblemType;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-model figures for DistilBERT-base (random weights: vocab 30522, dim 768, 6 layers,
 * 12 heads, FFN 3072): an inference forward pass and one training step (forward,
 * cross-entropy on 2 labels, backward, clipping, AdamW). Sequences/s = batch / (s per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx10g", "-XX:+UseParallelGC"})
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 20)
public class ModelBenchmark {
    @Param({"32"})
    int batch;

    @Param({"128"})
    int seqLen;

    SequenceClassifier model;
    ModelInput input;
    Labels labels;
    Loss loss;
    AdamW adam;
    RunContext eval;
    RunContext train;

    @Setup(Level.Trial)
    public void setUp() {
        ModelConfig config = ModelConfig.distilbertBase().withNumLabels(2);
        model = new SequenceClassifier(config);
        Initializer.initialize(model.parameters(), 0.02, 0, 1234);
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
        adam = new AdamW(model.parameters(), 0.01);
        eval = new RunContext(Backends.cpu());
        train = new RunContext(Backends.cpu()).training(true).keepForBackward(true).seed(42);
    }

    /** Inference: the forward pass in evaluation mode. */
    @Benchmark
    public float forward() {
        float[] logits = model.forward(eval, input, null);
        return logits[0];
    }

    /** One optimizer step: forward (dropout on), loss, backward, clip, AdamW, zero grads. */
    @Benchmark
    public float trainStep() {
        float[] logits = model.forward(train, input, null);
        Tensor lt = new Tensor(Arrays.copyOf(logits, batch * 2), batch, 2);
        Tensor dl = Tensor.zerosLike(lt);
        float value = loss.forward(lt, labels, dl);
        model.backward(train, dl.data());
        GradClip.clipGradNorm(model.parameters(), 1.0);
        adam.step(5e-5);
        adam.zeroGrad();
        train.counter(train.counter() + 1);
        return value;
    }
}
