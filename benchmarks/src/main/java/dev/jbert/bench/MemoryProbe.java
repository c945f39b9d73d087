package dev.jbert.bench;

import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.nn.Initializer;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.AdamW;
import dev.jbert.engine.train.GradClip;
import dev.jbert.engine.train.Labels;
import dev.jbert.engine.train.Loss;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;

/**
 * Peak heap of DistilBERT-base (random weights) for an inference forward pass and for a
 * training step, at a given batch and length:
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar dev.jbert.bench.MemoryProbe forward|train B T}.
 * Prints the parameter bytes, and the peak of the heap pools (sum of per-pool peaks: an upper bound)
 * measured after a forced GC baseline.
 */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "forward";
        int b = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int t = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        ModelConfig config = ModelConfig.distilbertBase().withNumLabels(2);
        SequenceClassifier model = new SequenceClassifier(config);
        Initializer.initialize(model.parameters(), 0.02, 0, 1);
        long paramCount = 0;
        for (Parameter p : model.parameters()) {
            paramCount += p.value().size();
        }
        int[] ids = new int[b * t];
        Arrays.fill(ids, 2000);
        float[] mask = new float[b * t];
        Arrays.fill(mask, 1f);
        ModelInput in = new ModelInput(b, t, ids, null, mask);
        System.gc();
        long base = used();
        resetPeaks();
        boolean train = what.equals("train");
        RunContext ctx = new RunContext(Backends.cpu()).training(train).keepForBackward(train).seed(1);
        AdamW adam = train ? new AdamW(model.parameters(), 0.01) : null;
        for (int step = 0; step < 2; step++) {
            float[] logits = model.forward(ctx, in, null);
            if (train) {
                Tensor lt = new Tensor(Arrays.copyOf(logits, b * 2), b, 2);
                Tensor dl = Tensor.zerosLike(lt);
                Loss.forProblem(ProblemType.SINGLE_LABEL_CLASSIFICATION).forward(lt, new Labels.Classes(new int[b]), dl);
                model.backward(ctx, dl.data());
                GradClip.clipGradNorm(model.parameters(), 1.0);
                adam.step(1e-5);
                adam.zeroGrad();
            }
        }
        long peak = peak();
        System.out.printf("%s B=%d T=%d: parameters %,d (%.0f MiB float32); heap after loading %.0f MiB; "
                + "peak heap %.0f MiB (max heap %.0f MiB)%n", what, b, t, paramCount, paramCount * 4 / 1048576.0,
                base / 1048576.0, peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
    }

    private static long used() {
        long u = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                u += p.getUsage().getUsed();
            }
        }
        return u;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static long peak() {
        long u = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                u += p.getPeakUsage().getUsed();
            }
        }
        return u;
    }
}
