package dev.jbert.engine.train;

import dev.jbert.engine.config.ProblemType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.tensor.Tensor;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LossTest {

    private static Tensor t(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    // ---- cross-entropy ----

    @Test
    void crossEntropyByHand() {
        // -log softmax([1,2,3])[2] = log(e + e² + e³) - 3
        float loss = new CrossEntropyLoss().forward(t(new float[] {1, 2, 3}, 1, 3), Labels.classes(2), null);
        assertEquals((float) (Math.log(Math.E + Math.exp(2) + Math.exp(3)) - 3), loss);
        assertEquals(0.40760596f, loss, 1e-7f);
        // uniform logits: log(L)
        assertEquals((float) Math.log(3), new CrossEntropyLoss().forward(Tensor.zeros(4, 3), Labels.classes(0, 1, 2, 1), null));
    }

    @Test
    void crossEntropyGradientIsSoftmaxMinusOneHotOverBatch() {
        Tensor logits = t(new float[] {1, 2, 3, 0.5f, -1, 0}, 2, 3);
        Tensor grad = Tensor.zeros(2, 3);
        grad.fill(99f); // overwritten, not accumulated
        new CrossEntropyLoss().forward(logits, Labels.classes(2, 0), grad);
        double[] expected = new double[6];
        for (int i = 0; i < 2; i++) {
            double s = 0;
            for (int j = 0; j < 3; j++) {
                s += Math.exp(logits.data()[i * 3 + j]);
            }
            for (int j = 0; j < 3; j++) {
                expected[i * 3 + j] = (Math.exp(logits.data()[i * 3 + j]) / s - (j == (i == 0 ? 2 : 0) ? 1 : 0)) / 2;
            }
        }
        for (int k = 0; k < 6; k++) {
            assertEquals((float) expected[k], grad.data()[k], 1e-8f);
        }
    }

    @Test
    void crossEntropyClassWeightsAreAWeightedMean() {
        float[] w = {0.5f, 2f, 1.5f};
        float[] x = {0.3f, -0.2f, 1.1f, 2f, 0.1f, -0.7f, -1f, 0.4f, 0.2f};
        int[] y = {1, 0, 2};
        double num = 0;
        double den = 0;
        for (int i = 0; i < 3; i++) {
            double s = 0;
            for (int j = 0; j < 3; j++) {
                s += Math.exp(x[i * 3 + j]);
            }
            num += w[y[i]] * (Math.log(s) - x[i * 3 + y[i]]);
            den += w[y[i]];
        }
        float loss = new CrossEntropyLoss(w, -100).forward(t(x, 3, 3), Labels.classes(y), null);
        assertEquals((float) (num / den), loss, 1e-7f);
        checkGradient(new CrossEntropyLoss(w, -100), x, 3, 3, Labels.classes(y));
    }

    @Test
    void crossEntropyIgnoredRowsAddNothing() {
        float[] x = {0.3f, -0.2f, 1.1f, 2f, 0.1f, -0.7f, -1f, 0.4f, 0.2f};
        Tensor grad = Tensor.zeros(3, 3);
        float loss = new CrossEntropyLoss().forward(t(x, 3, 3), Labels.classes(1, -100, 2), grad);
        float[] kept = {0.3f, -0.2f, 1.1f, -1f, 0.4f, 0.2f};
        Tensor keptGrad = Tensor.zeros(2, 3);
        float keptLoss = new CrossEntropyLoss().forward(t(kept, 2, 3), Labels.classes(1, 2), keptGrad);
        assertEquals(keptLoss, loss);
        assertArrayEquals(new float[] {0, 0, 0}, java.util.Arrays.copyOfRange(grad.data(), 3, 6));
        assertArrayEquals(java.util.Arrays.copyOfRange(keptGrad.data(), 0, 3), java.util.Arrays.copyOfRange(grad.data(), 0, 3));
        assertArrayEquals(java.util.Arrays.copyOfRange(keptGrad.data(), 3, 6), java.util.Arrays.copyOfRange(grad.data(), 6, 9));
        // a custom ignore index
        assertEquals(keptLoss, new CrossEntropyLoss(null, 7).forward(t(x, 3, 3), Labels.classes(1, 7, 2), null));
        checkGradient(new CrossEntropyLoss(new float[] {1, 2, 3}, -100), x, 3, 3, Labels.classes(1, -100, 2));
    }

    @Test
    void crossEntropyAllIgnoredIsNaNWithZeroGradientLikePyTorch() {
        Tensor grad = Tensor.zeros(2, 3);
        float loss = new CrossEntropyLoss().forward(Tensor.zeros(2, 3), Labels.classes(-100, -100), grad);
        assertTrue(Float.isNaN(loss));
        assertArrayEquals(new float[6], grad.data());
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor grad = Tensor.zeros(1, 3);
        float loss = new CrossEntropyLoss().forward(t(new float[] {1000f, -1000f, 999f}, 1, 3), Labels.classes(2), grad);
        assertEquals((float) (Math.log1p(Math.exp(-1)) + 1), loss, 1e-6f);
        assertTrue(Float.isFinite(grad.data()[0]) && Float.isFinite(grad.data()[2]));
    }

    @Test
    void crossEntropyGradientMatchesFiniteDifferences() {
        Random r = new Random(1);
        float[] x = randomLogits(r, 5 * 7, 3);
        checkGradient(new CrossEntropyLoss(), x, 5, 7, Labels.classes(0, 6, 3, 3, 1));
    }

    @Test
    void crossEntropyRejectsBadLabels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().forward(Tensor.zeros(2, 3), Labels.classes(0, 3), null));
        assertTrue(e.getMessage().contains("label 3 of row 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().forward(Tensor.zeros(2, 3), Labels.classes(0), null));
        assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().forward(Tensor.zeros(2, 3), Labels.targets(0, 1), null));
        assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss(new float[] {1, 2}, -100).forward(Tensor.zeros(2, 3), Labels.classes(0, 1), null));
    }

    // ---- BCE with logits ----

    @Test
    void bceByHand() {
        // x = 0: log 2 whatever the target
        assertEquals((float) Math.log(2), new BCEWithLogitsLoss().forward(Tensor.zeros(2, 2),
                Labels.multiHot(new float[][] {{1, 0}, {0, 1}}), null));
        // x = 2, y = 1: log(1 + e^-2); x = -1, y = 0: log(1 + e^-1); mean of the two
        float loss = new BCEWithLogitsLoss().forward(t(new float[] {2, -1}, 1, 2), Labels.multiHot(new float[][] {{1, 0}}), null);
        assertEquals((float) ((Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1))) / 2), loss, 1e-7f);
        // stable at extreme logits: confident and wrong costs |x|
        float extreme = new BCEWithLogitsLoss().forward(t(new float[] {100, -100}, 1, 2), Labels.multiHot(new float[][] {{0, 1}}), null);
        assertEquals(100f, extreme, 1e-4f);
        float right = new BCEWithLogitsLoss().forward(t(new float[] {100, -100}, 1, 2), Labels.multiHot(new float[][] {{1, 0}}), null);
        assertEquals(0f, right, 1e-30f);
    }

    @Test
    void bcePosWeightScalesPositiveTerms() {
        // y = 1: pw·log(1+e^-x); y = 0: unaffected, log(1+e^x)
        float[] pw = {3f, 0.5f};
        float loss = new BCEWithLogitsLoss(pw).forward(t(new float[] {0.7f, 0.7f, -0.4f, 1.3f}, 2, 2),
                Labels.multiHot(new float[][] {{1, 1}, {0, 1}}), null);
        double expected = (3 * Math.log1p(Math.exp(-0.7f)) + 0.5 * Math.log1p(Math.exp(-0.7f))
                + Math.log1p(Math.exp(-0.4f)) + 0.5 * Math.log1p(Math.exp(-1.3f))) / 4;
        assertEquals((float) expected, loss, 1e-7f);
    }

    @Test
    void bceGradientMatchesFiniteDifferences() {
        Random r = new Random(2);
        float[][] y = new float[4][5];
        for (float[] row : y) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextBoolean() ? 1f : 0f;
            }
        }
        y[0][0] = 0.3f; // soft target
        float[] x = randomLogits(r, 20, 4);
        checkGradient(new BCEWithLogitsLoss(), x, 4, 5, Labels.multiHot(y));
        checkGradient(new BCEWithLogitsLoss(new float[] {2f, 0.5f, 1f, 3f, 0.1f}), x, 4, 5, Labels.multiHot(y));
        // the same targets flattened
        float[] flat = new float[20];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(y[i], 0, flat, i * 5, 5);
        }
        assertEquals(new BCEWithLogitsLoss().forward(t(x, 4, 5), Labels.multiHot(y), null),
                new BCEWithLogitsLoss().forward(t(x, 4, 5), Labels.targets(flat), null));
    }

    @Test
    void bceGradientIsSigmoidMinusTargetOverCount() {
        Tensor grad = Tensor.zeros(1, 2);
        new BCEWithLogitsLoss().forward(t(new float[] {0.5f, -2f}, 1, 2), Labels.multiHot(new float[][] {{1, 0}}), grad);
        assertEquals((float) ((1 / (1 + Math.exp(-0.5)) - 1) / 2), grad.data()[0], 1e-8f);
        assertEquals((float) ((1 / (1 + Math.exp(2))) / 2), grad.data()[1], 1e-8f);
    }

    // ---- MSE ----

    @Test
    void mseSqueezesLogitsOfOneColumn() {
        Tensor grad = Tensor.zeros(3, 1);
        float loss = new MSELoss().forward(t(new float[] {1, 2, 3}, 3, 1), Labels.targets(0.5f, -1.25f, 2f), grad);
        assertEquals((float) ((0.25 + 3.25 * 3.25 + 1) / 3), loss);
        assertArrayEquals(new float[] {(float) (2 * 0.5 / 3), (float) (2 * 3.25 / 3), (float) (2.0 / 3)}, grad.data());
        // rank-1 logits [B] are the same
        assertEquals(loss, new MSELoss().forward(t(new float[] {1, 2, 3}, 3), Labels.targets(0.5f, -1.25f, 2f), null));
        checkGradient(new MSELoss(), new float[] {1, 2, 3, -4}, 2, 2, Labels.targets(0.5f, -1.25f, 2f, 0f));
        assertThrows(IllegalArgumentException.class,
                () -> new MSELoss().forward(t(new float[] {1, 2, 3}, 3, 1), Labels.targets(1f, 2f), null));
    }

    @Test
    void gradScaleScalesOnlyTheGradient() {
        float[] x = {0.3f, -0.2f, 1.1f, 2f, 0.1f, -0.7f};
        Tensor g1 = Tensor.zeros(2, 3);
        Tensor g4 = Tensor.zeros(2, 3);
        Loss ce = new CrossEntropyLoss();
        float l1 = ce.forward(t(x, 2, 3), Labels.classes(0, 2), g1);
        float l4 = ce.forward(t(x, 2, 3), Labels.classes(0, 2), g4, 0.25);
        assertEquals(l1, l4);
        for (int k = 0; k < 6; k++) {
            assertEquals(g1.data()[k] * 0.25f, g4.data()[k]);
        }
    }

    // ---- factory and problem types ----

    @Test
    void problemTypesFollowHuggingFace() {
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, ProblemType.fromHf("single_label_classification"));
        assertEquals(ProblemType.MULTI_LABEL_CLASSIFICATION, ProblemType.fromHf("multi_label_classification"));
        assertEquals(ProblemType.REGRESSION, ProblemType.fromHf("regression"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProblemType.fromHf("ranking"));
        assertTrue(e.getMessage().contains("\"ranking\""), e.getMessage());
        // HF's inference when problem_type is null
        assertEquals(ProblemType.REGRESSION, ProblemType.resolve(null, 1, true));
        assertEquals(ProblemType.REGRESSION, ProblemType.resolve(null, 1, false));
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, ProblemType.resolve(null, 3, true));
        assertEquals(ProblemType.MULTI_LABEL_CLASSIFICATION, ProblemType.resolve(null, 3, false));
        assertEquals(ProblemType.REGRESSION, ProblemType.resolve("regression", 3, true));
        for (ProblemType p : ProblemType.values()) {
            assertEquals(p, ProblemType.fromHf(p.hfName()));
        }
    }

    @Test
    void factoryPicksHuggingFacesLoss() {
        assertInstanceOf(CrossEntropyLoss.class, Loss.forProblem(ProblemType.SINGLE_LABEL_CLASSIFICATION));
        assertEquals(-100, ((CrossEntropyLoss) Loss.forProblem(ProblemType.SINGLE_LABEL_CLASSIFICATION)).ignoreIndex());
        assertInstanceOf(BCEWithLogitsLoss.class, Loss.forProblem(ProblemType.MULTI_LABEL_CLASSIFICATION));
        assertInstanceOf(MSELoss.class, Loss.forProblem(ProblemType.REGRESSION));
        assertThrows(IllegalArgumentException.class,
                () -> Loss.forProblem(ProblemType.REGRESSION, new float[] {1}, null));
        assertThrows(IllegalArgumentException.class,
                () -> Loss.forProblem(ProblemType.SINGLE_LABEL_CLASSIFICATION, null, new float[] {1}));
    }

    /** Every golden head's loss from its golden logits and labels: HF's own loss value. */
    @Test
    void goldenLossesFromGoldenLogits() throws IOException {
        for (String model : TrainGolden.MODELS) {
            JsonNode labels = TrainGolden.json(model, "inputs.json").get("labels");
            for (String head : TrainGolden.HEADS) {
                JsonNode results = TrainGolden.results(model, head);
                float[] logits = TrainGolden.tensor(model, head, "forward.safetensors", "logits");
                int numLabels = results.get("num_labels").asInt();
                ProblemType type = ProblemType.fromHf(results.get("problem_type").asText());
                JsonNode y = labels.get(head);
                Labels l = switch (type) {
                    case SINGLE_LABEL_CLASSIFICATION -> {
                        int[] c = new int[y.size()];
                        for (int i = 0; i < c.length; i++) {
                            c[i] = y.get(i).asInt();
                        }
                        yield Labels.classes(c);
                    }
                    case MULTI_LABEL_CLASSIFICATION -> {
                        float[][] rows = new float[y.size()][numLabels];
                        for (int i = 0; i < rows.length; i++) {
                            for (int j = 0; j < numLabels; j++) {
                                rows[i][j] = (float) y.get(i).get(j).asDouble();
                            }
                        }
                        yield Labels.multiHot(rows);
                    }
                    case REGRESSION -> {
                        float[] v = new float[y.size()];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = (float) y.get(i).asDouble();
                        }
                        yield Labels.targets(v);
                    }
                };
                float loss = Loss.forProblem(type).forward(t(logits, logits.length / numLabels, numLabels), l, null);
                double golden = results.get("loss").asDouble();
                assertEquals(golden, loss, 1e-6, model + "/" + head);
                // closer still: the same logits, only the loss's own arithmetic differs
                assertEquals(golden, loss, 2e-7, model + "/" + head);
            }
        }
    }

    // ---- helpers ----

    private static float[] randomLogits(Random r, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * scale);
        }
        return x;
    }

    /** The analytic gradient of the double core against central differences, in double. */
    private static void checkGradient(DoubleLoss loss, float[] xf, int batch, int numLabels, Labels labels) {
        double[] x = new double[xf.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = xf[i];
        }
        double[] grad = new double[x.length];
        loss.compute(x, batch, numLabels, labels, grad, 1.0);
        double h = 1e-5;
        for (int k = 0; k < x.length; k++) {
            double keep = x[k];
            x[k] = keep + h;
            double up = loss.compute(x, batch, numLabels, labels, null, 1.0);
            x[k] = keep - h;
            double down = loss.compute(x, batch, numLabels, labels, null, 1.0);
            x[k] = keep;
            double fd = (up - down) / (2 * h);
            assertEquals(fd, grad[k], 1e-8 + 1e-6 * Math.abs(fd), "element " + k);
        }
        // and the float32 face rounds that same gradient
        Tensor g = Tensor.zeros(x.length);
        loss.forward(new Tensor(xf.clone(), batch, numLabels), labels, g);
        for (int k = 0; k < x.length; k++) {
            assertEquals((float) grad[k], g.data()[k]);
        }
    }
}
