package dev.jbert.kernels.ops;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.ops.Agreement.FP32;
import static dev.jbert.kernels.ops.Agreement.assertBitExact;
import static dev.jbert.kernels.ops.Agreement.assertClose;
import static dev.jbert.kernels.ops.Agreement.gaussian;

import dev.jbert.engine.backend.CpuBackend;
import dev.jbert.engine.nn.Embeddings;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.kernels.testing.TestDevices.Target;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The embedding kernels against {@link Embeddings} (evaluation mode, so no dropout): the lookup
 * sum word + token type + position bit for bit, the whole layer (the kernels' sum, then
 * LayerNorm) against {@code Embeddings.forward}, and its backward (LayerNorm backward, then the
 * word table by atomics skipping the padding id, positions over the batch, token types by row
 * slabs) against the gradients {@code Embeddings.backward} accumulates. BERT (token types) and
 * DistilBERT (none) layouts; C not a multiple of the 128-thread blocks.
 */
class EmbeddingKernelsTest {
    private static final float EPS = 1e-12f;
    private static final int PAD = 0;

    /** B × T tokens, hidden size C, vocabulary V, token types (0: DistilBERT, no table). */
    record Case(int b, int t, int c, int vocab, int types) {
        @Override
        public String toString() {
            return "B=" + b + " T=" + t + " C=" + c + " V=" + vocab + " types=" + types;
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(3, 13, 45, 50, 2),
            new Case(4, 37, 70, 30, 2),
            new Case(2, 9, 130, 20, 0));

    static Stream<Arguments> cases() {
        return TestDevices.onEveryTarget(CASES);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void embeddingsMatchTheCpuLayer(Target target, Case c, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        int b = c.b();
        int t = c.t();
        int n = c.c();
        int rows = b * t;
        long seed = Agreement.seed(900 + index);
        long typePartial = c.types() > 0 ? GpuKernels.typePartialFloats(rows, n, c.types()) : 0;
        long typeSlabs = c.types() > 0 ? Math.max(1, typePartial / ((long) c.types() * n)) : 0;
        String context = "seed " + seed + ", " + c + ", type slabs " + typeSlabs + ", " + target;
        SplittableRandom r = new SplittableRandom(seed);

        Embeddings layer = new Embeddings("embeddings", c.vocab(), t + 3, c.types(), n, EPS, PAD, false, 0.1, 0);
        List<Parameter> ps = layer.parameters();
        Parameter word = ps.get(0);
        Parameter position = ps.get(1);
        Parameter type = c.types() > 0 ? ps.get(2) : null;
        Parameter gamma = ps.get(ps.size() - 2);
        Parameter beta = ps.get(ps.size() - 1);
        for (Parameter p : ps) {
            float[] v = p == gamma ? gaussian(r, p.data().length, 1, 0.2) : gaussian(r, p.data().length, 0, 0.5);
            System.arraycopy(v, 0, p.data(), 0, v.length);
        }
        int[] ids = new int[rows];
        int[] typeIds = c.types() > 0 ? new int[rows] : null;
        float[] mask = new float[rows];
        for (int i = 0; i < rows; i++) {
            // repeated ids (the atomics collide), and the padding id in the tail of each sequence
            ids[i] = i % t >= t - 2 ? PAD : 1 + r.nextInt(Math.min(c.vocab() - 1, 6));
            mask[i] = ids[i] == PAD ? 0f : 1f;
            if (typeIds != null) {
                typeIds[i] = i % t < t / 2 ? 0 : 1;
            }
        }
        RunContext ctx = new RunContext(new CpuBackend()).keepForBackward(true);
        float[] out = layer.forward(ctx, new ModelInput(b, t, ids, typeIds, mask)).clone();
        float[] dOut = gaussian(r, rows * n, 0, 1);
        float[] dOutCopy = dOut.clone();
        float[] scratch = new float[rows * n];
        layer.backward(ctx, dOut, scratch);
        // the lookup sum as Embeddings forms it (HF's order: (word + type) + position)
        float[] sum = new float[rows * n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                float w = word.data()[ids[i] * n + j];
                float pos = position.data()[(i % t) * n + j];
                sum[i * n + j] = type == null ? w + pos : (w + type.data()[typeIds[i] * n + j]) + pos;
            }
        }

        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dIds = d.of(ids);
            long dTypes = typeIds == null ? 0 : d.of(typeIds);
            long dWord = d.of(word.data());
            long dPos = d.of(position.data());
            long dType = type == null ? 0 : d.of(type.data());
            long dGamma = d.of(gamma.data());
            long dSum = d.floats(rows * n);
            gk.embeddingForward(dIds, dTypes, dWord, dPos, dType, dSum, b, t, n);
            assertBitExact("word + type + position", d.read(dSum, rows * n), sum, context);
            long dOutput = d.floats(rows * n);
            long dMean = d.floats(rows);
            long dRstd = d.floats(rows);
            gk.layerNormForward(dSum, dGamma, d.of(beta.data()), dOutput, dMean, dRstd, rows, n, EPS);
            assertClose("embeddings output", d.read(dOutput, rows * n), out, FP32, context);

            long dDsum = d.floats(rows * n);
            long dGammaGrad = d.floats(n);
            long dBetaGrad = d.floats(n);
            long lnPartial = GpuKernels.layerNormPartialFloats(rows, n);
            gk.layerNormBackward(d.of(dOutCopy), dSum, dGamma, dMean, dRstd, dDsum, dGammaGrad, dBetaGrad,
                    lnPartial > 0 ? d.floats(lnPartial) : 0, rows, n);
            long dWordGrad = d.floats(word.data().length);
            long dPosGrad = d.floats(position.data().length);
            gk.embeddingBackwardWord(dIds, dDsum, dWordGrad, rows, n, PAD);
            gk.embeddingBackwardPosition(dDsum, dPosGrad, b, t, n);
            assertClose("d word", d.read(dWordGrad, word.data().length), word.grad().data(), FP32, context);
            assertClose("d position", d.read(dPosGrad, position.data().length), position.grad().data(), FP32, context);
            if (type != null) {
                long dTypeGrad = d.floats(type.data().length);
                gk.embeddingBackwardType(dTypes, dDsum, dTypeGrad, typePartial > 0 ? d.floats(typePartial) : 0,
                        rows, n, c.types());
                assertClose("d token type", d.read(dTypeGrad, type.data().length), type.grad().data(), FP32, context);
            }
            assertClose("d LayerNorm weight", d.read(dGammaGrad, n), gamma.grad().data(), FP32, context);
            assertClose("d LayerNorm bias", d.read(dBetaGrad, n), beta.grad().data(), FP32, context);
        }
    }
}
