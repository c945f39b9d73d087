package dev.jbert.engine.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.Activation;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.Labels;
import dev.jbert.engine.train.Loss;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Central finite differences of the whole backward pass (every layer: embeddings with the pad
 * row, attention through the softmax and the padding mask, feed-forward with each activation,
 * LayerNorm, pooler / pre-classifier, classifier) on small odd shapes: hidden 12, 3 heads of 4,
 * FFN 20, T = 7 with a padded row, for every loss.
 *
 * <p>Tolerance: the model runs in float32, so a loss of O(1) carries rounding noise of ~1e-7;
 * with h = 1e-2 the central difference then has noise ~1e-5 and truncation error O(h²)·|f'''|
 * ~1e-4 for these smooth functions (weights are drawn with std 0.3 so gradients are O(1e-2..1)).
 * We accept |fd − analytic| ≤ 2e-3 + 2e-2·|analytic|; a wrong backward is off by O(|analytic|).
 * ReLU's kink is avoided by checking only elements whose perturbation does not flip an
 * activation sign (detected by a one-sided consistency check).
 */
class ModelFiniteDifferenceTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(ModelType.BERT, Activation.GELU, ProblemType.SINGLE_LABEL_CLASSIFICATION),
                Arguments.of(ModelType.BERT, Activation.GELU_TANH, ProblemType.MULTI_LABEL_CLASSIFICATION),
                Arguments.of(ModelType.BERT, Activation.RELU, ProblemType.REGRESSION),
                Arguments.of(ModelType.DISTILBERT, Activation.GELU, ProblemType.MULTI_LABEL_CLASSIFICATION),
                Arguments.of(ModelType.DISTILBERT, Activation.GELU_TANH, ProblemType.REGRESSION),
                Arguments.of(ModelType.DISTILBERT, Activation.RELU, ProblemType.SINGLE_LABEL_CLASSIFICATION));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void backwardMatchesCentralDifferences(ModelType type, Activation act, ProblemType problem) {
        int labels = problem == ProblemType.REGRESSION ? 1 : 3;
        ModelConfig cfg = ModelConfig.builder(type).vocabSize(40).hiddenSize(12).numLayers(2).numHeads(3)
                .intermediateSize(20).hiddenAct(act).maxPositionEmbeddings(16).numLabels(labels)
                .problemType(problem).build();
        SequenceClassifier model = new SequenceClassifier(cfg);
        Initializer.initialize(model.parameters(), 0.3, 0, 99);
        SplittableRandom r = new SplittableRandom(5);
        int b = 2;
        int t = 7;
        int[] ids = new int[b * t];
        int[] types = type == ModelType.BERT ? new int[b * t] : null;
        float[] mask = new float[b * t];
        for (int i = 0; i < b * t; i++) {
            boolean real = i < t || i % t < 4; // row 1 has 4 real tokens, 3 padded
            ids[i] = real ? 1 + r.nextInt(39) : 0;
            mask[i] = real ? 1f : 0f;
            if (types != null) {
                types[i] = real && i % t >= 3 ? 1 : 0;
            }
        }
        ModelInput in = new ModelInput(b, t, ids, types, mask);
        Labels y = switch (problem) {
            case SINGLE_LABEL_CLASSIFICATION -> new Labels.Classes(new int[] {2, 0});
            case MULTI_LABEL_CLASSIFICATION -> new Labels.MultiHot(new float[][] {{1, 0, 1}, {0, 1, 1}});
            case REGRESSION -> new Labels.Targets(new float[] {0.7f, -1.3f});
        };
        Loss loss = Loss.forProblem(problem);
        RunContext ctx = new RunContext(Backends.cpu()).keepForBackward(true);
        float[] logits = model.forward(ctx, in, null);
        Tensor lt = new Tensor(Arrays.copyOf(logits, b * labels), b, labels);
        Tensor dl = Tensor.zerosLike(lt);
        loss.forward(lt, y, dl);
        model.backward(ctx, dl.data());

        RunContext eval = new RunContext(Backends.cpu());
        double h = 1e-2;
        int checked = 0;
        StringBuilder failures = new StringBuilder();
        for (Parameter p : model.parameters()) {
            float[] v = p.data();
            float[] g = p.grad().data();
            for (int s = 0; s < 4; s++) {
                int i = r.nextInt(v.length);
                float orig = v[i];
                v[i] = (float) (orig + h);
                double plus = loss(model, eval, in, y, loss, labels);
                v[i] = (float) (orig - h);
                double minus = loss(model, eval, in, y, loss, labels);
                v[i] = (float) (orig + h / 2);
                double halfPlus = loss(model, eval, in, y, loss, labels);
                v[i] = orig;
                double base = loss(model, eval, in, y, loss, labels);
                double fd = (plus - minus) / (2 * h);
                // one-sided slopes at two step sizes disagree strongly across a ReLU kink: skip those
                double slopeHalf = (halfPlus - base) / (h / 2);
                double slopeFull = (plus - base) / h;
                if (act == Activation.RELU && Math.abs(slopeHalf - slopeFull) > 0.2 * Math.abs(slopeFull) + 1e-3) {
                    continue;
                }
                double an = g[i];
                if (Math.abs(fd - an) > 2e-3 + 2e-2 * Math.abs(an)) {
                    failures.append(p.name()).append('[').append(i).append("]: analytic ").append(an)
                            .append(", finite difference ").append(fd).append('\n');
                }
                checked++;
            }
        }
        assertTrue(checked > 60, "checked only " + checked + " elements");
        assertTrue(failures.isEmpty(), failures.toString());
    }

    private static double loss(SequenceClassifier model, RunContext ctx, ModelInput in, Labels y, Loss loss, int labels) {
        float[] logits = model.forward(ctx, in, null);
        return loss.forward(new Tensor(Arrays.copyOf(logits, in.batch() * labels), in.batch(), labels), y, null);
    }
}
