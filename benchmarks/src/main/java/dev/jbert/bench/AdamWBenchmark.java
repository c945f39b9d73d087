package dev.jbert.bench;

import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.train.AdamW;
import dev.jbert.engine.train.HfDecayRule;
import dev.jbert.engine.tensor.Tensor;
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

/**
 * One AdamW step over the parameters of DistilBERT-base with a 2-label classification head
 * (66,955,010 floats in 104 tensors, HF's decay grouping, weight decay 0.01), reported in
 * nanoseconds per parameter. Needs about 1.1 GB of heap (value, gradient and two moments).
 *
 * <p>{@code step} is jbert's optimizer (Vector API, all threads of {@code Parallel});
 * {@code scalarLoop} is the same float arithmetic as a plain single-threaded loop, for scale.
 * DJL's Adam measured about 12 ns/parameter on the development machine.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar AdamWBenchmark \
 *      -f 1 -wi 1 -i 3 -r 2s -jvmArgs -Xmx3g
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class AdamWBenchmark {
    /** Trainable parameters of DistilBertForSequenceClassification (distilbert-base, 2 labels). */
    static final int PARAMETERS = 66_955_010;

    private List<Parameter> params;
    private AdamW adamW;
    private float[][] m;
    private float[][] v;
    private long scalarSteps;

    static List<Parameter> distilbertBase() {
        int c = 768;
        int f = 3072;
        List<Parameter> ps = new ArrayList<>();
        add(ps, "distilbert.embeddings.word_embeddings.weight", 30522, c);
        add(ps, "distilbert.embeddings.position_embeddings.weight", 512, c);
        add(ps, "distilbert.embeddings.LayerNorm.weight", c);
        add(ps, "distilbert.embeddings.LayerNorm.bias", c);
        for (int l = 0; l < 6; l++) {
            String p = "distilbert.transformer.layer." + l + ".";
            for (String lin : new String[] {"q_lin", "k_lin", "v_lin", "out_lin"}) {
                add(ps, p + "attention." + lin + ".weight", c, c);
                add(ps, p + "attention." + lin + ".bias", c);
            }
            add(ps, p + "sa_layer_norm.weight", c);
            add(ps, p + "sa_layer_norm.bias", c);
            add(ps, p + "ffn.lin1.weight", f, c);
            add(ps, p + "ffn.lin1.bias", f);
            add(ps, p + "ffn.lin2.weight", c, f);
            add(ps, p + "ffn.lin2.bias", c);
            add(ps, p + "output_layer_norm.weight", c);
            add(ps, p + "output_layer_norm.bias", c);
        }
        add(ps, "pre_classifier.weight", c, c);
        add(ps, "pre_classifier.bias", c);
        add(ps, "classifier.weight", 2, c);
        add(ps, "classifier.bias", 2);
        return ps;
    }

    private static void add(List<Parameter> ps, String name, int... shape) {
        ps.add(new Parameter(name, Tensor.zeros(shape), HfDecayRule.decays(name), true));
    }

    @Setup(Level.Trial)
    public void setUp() {
        params = distilbertBase();
        long total = 0;
        SplittableRandom r = new SplittableRandom(1);
        for (Parameter p : params) {
            float[] w = p.data();
            float[] g = p.grad().data();
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) (r.nextDouble(-0.05, 0.05));
                g[k] = (float) (r.nextDouble(-1e-3, 1e-3));
            }
            total += w.length;
        }
        if (total != PARAMETERS) {
            throw new IllegalStateException("layout has " + total + " parameters, expected " + PARAMETERS);
        }
        adamW = new AdamW(params, 0.01);
        m = new float[params.size()][];
        v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[params.get(i).data().length];
            v[i] = new float[params.get(i).data().length];
        }
    }

    @Benchmark
    @OperationsPerInvocation(PARAMETERS)
    public void step() {
        adamW.step(5e-5);
    }

    @Benchmark
    @OperationsPerInvocation(PARAMETERS)
    public void scalarLoop() {
        long t = ++scalarSteps;
        double lr = 5e-5;
        float stepSize = (float) -(lr / (1 - Math.pow(0.9, t)));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(0.999, t));
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            float[] w = p.data();
            float[] g = p.grad().data();
            float[] mi = m[i];
            float[] vi = v[i];
            float decay = p.decays() ? (float) (1 - lr * 0.01) : 1f;
            for (int k = 0; k < w.length; k++) {
                float pk = w[k] * decay;
                float mk = Math.fma(0.1f, g[k] - mi[k], mi[k]);
                float vk = vi[k] * 0.999f + 0.001f * g[k] * g[k];
                w[k] = pk + stepSize * mk / ((float) Math.sqrt(vk) / bc2Sqrt + 1e-8f);
                mi[k] = mk;
                vi[k] = vk;
            }
        }
    }
}
