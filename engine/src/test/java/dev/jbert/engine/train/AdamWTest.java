package dev.jbert.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.cpu.Parallel;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWTest {
    private static final double WD = 0.01;
    /** Sizes that cross vector tails and the optimizer's 32768-element work chunks. */
    private static final int[][] SHAPES = {{1}, {7}, {3, 11}, {33}, {100, 1003}, {64}};
    private static final double[] LRS = {0, 5e-4 / 3, 5e-4 * 2 / 3, 5e-4, 3e-4, 1e-3, 2e-5};

    /** A fresh model-like set of parameters: weights decay, biases and norms do not. */
    private static List<Parameter> model(long seed) {
        Random r = new Random(seed);
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            Parameter p = switch (i % 3) {
                case 0 -> Parameter.weight("layer." + i + ".weight", SHAPES[i]);
                case 1 -> Parameter.bias("layer." + i + ".bias", SHAPES[i]);
                default -> Parameter.norm("layer." + i + ".LayerNorm.weight", SHAPES[i]);
            };
            float[] d = p.data();
            for (int k = 0; k < d.length; k++) {
                d[k] = (float) (r.nextGaussian() * 0.05);
            }
            ps.add(p);
        }
        return ps;
    }

    /** Deterministic gradients for step s (they vary in scale across elements and steps). */
    private static void fillGrads(List<Parameter> ps, int s) {
        for (int i = 0; i < ps.size(); i++) {
            Random r = new Random(1000L * s + i);
            float[] g = ps.get(i).grad().data();
            for (int k = 0; k < g.length; k++) {
                g[k] = (float) (r.nextGaussian() * Math.pow(10, -1 - (k % 4)));
            }
        }
    }

    private static float[][] values(List<Parameter> ps) {
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ps.get(i).data().clone();
        }
        return out;
    }

    /** PyTorch's _single_tensor_adam (decoupled), element by element, as plainly as possible. */
    private static void referenceFloatStep(float[] p, float[] g, float[] m, float[] v, long t, double lr, double wd) {
        double bc1 = 1 - Math.pow(0.9, t);
        double bc2 = 1 - Math.pow(0.999, t);
        float stepSize = (float) -(lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (int k = 0; k < p.length; k++) {
            if (wd != 0) {
                p[k] = p[k] * (float) (1 - lr * wd);
            }
            m[k] = Math.fma(0.1f, g[k] - m[k], m[k]);
            v[k] = v[k] * 0.999f + 0.001f * g[k] * g[k];
            float denom = (float) Math.sqrt(v[k]) / bc2Sqrt + 1e-8f;
            p[k] = p[k] + stepSize * m[k] / denom;
        }
    }

    @Test
    void matchesPyTorchFloatArithmeticBitForBit() {
        List<Parameter> ps = model(1);
        float[][] p = values(ps);
        float[][] m = new float[ps.size()][];
        float[][] v = new float[ps.size()][];
        for (int i = 0; i < p.length; i++) {
            m[i] = new float[p[i].length];
            v[i] = new float[p[i].length];
        }
        AdamW opt = new AdamW(ps, WD);
        for (int s = 0; s < LRS.length; s++) {
            fillGrads(ps, s);
            opt.step(LRS[s]);
            for (int i = 0; i < p.length; i++) {
                referenceFloatStep(p[i], ps.get(i).grad().data(), m[i], v[i], s + 1, LRS[s], ps.get(i).decays() ? WD : 0);
                assertArrayEquals(p[i], ps.get(i).data(), "step " + s + ", " + ps.get(i).name());
            }
        }
        Map<String, Tensor> state = opt.stateTensors();
        for (int i = 0; i < p.length; i++) {
            assertArrayEquals(m[i], state.get("exp_avg." + ps.get(i).name()).data());
            assertArrayEquals(v[i], state.get("exp_avg_sq." + ps.get(i).name()).data());
        }
        assertEquals(LRS.length, opt.stepCount());
    }

    @Test
    void agreesWithDoublePrecisionAdamW() {
        List<Parameter> ps = model(2);
        double[][] p = new double[ps.size()][];
        double[][] m = new double[ps.size()][];
        double[][] v = new double[ps.size()][];
        for (int i = 0; i < p.length; i++) {
            float[] d = ps.get(i).data();
            p[i] = new double[d.length];
            for (int k = 0; k < d.length; k++) {
                p[i][k] = d[k];
            }
            m[i] = new double[d.length];
            v[i] = new double[d.length];
        }
        AdamW opt = new AdamW(ps, WD);
        for (int s = 0; s < LRS.length; s++) {
            fillGrads(ps, s);
            opt.step(LRS[s]);
            int t = s + 1;
            for (int i = 0; i < p.length; i++) {
                double wd = ps.get(i).decays() ? WD : 0;
                float[] g = ps.get(i).grad().data();
                for (int k = 0; k < g.length; k++) {
                    p[i][k] *= 1 - LRS[s] * wd;
                    m[i][k] = 0.9 * m[i][k] + 0.1 * g[k];
                    v[i][k] = 0.999 * v[i][k] + 0.001 * g[k] * g[k];
                    double mHat = m[i][k] / (1 - Math.pow(0.9, t));
                    double vHat = v[i][k] / (1 - Math.pow(0.999, t));
                    p[i][k] -= LRS[s] * mHat / (Math.sqrt(vHat) + 1e-8);
                }
            }
        }
        double worst = 0;
        for (int i = 0; i < p.length; i++) {
            float[] d = ps.get(i).data();
            for (int k = 0; k < d.length; k++) {
                worst = Math.max(worst, Math.abs(d[k] - p[i][k]));
            }
        }
        // params ~0.05 (float ulp ~4e-9), moved ~7 × 1e-3 in total
        assertTrue(worst < 5e-8, "max |float − double| = " + worst);
    }

    @Test
    void firstStepMovesEachWeightByAboutLr() {
        Parameter w = Parameter.weight("w", 4);
        float[] init = {0.5f, -0.25f, 1f, 0f};
        System.arraycopy(init, 0, w.data(), 0, 4);
        float[] g = {2f, -3f, 1e-3f, 0f};
        System.arraycopy(g, 0, w.grad().data(), 0, 4);
        new AdamW(List.of(w), 0.0).step(1e-3);
        // m̂ = g, v̂ = g² at t = 1, so the step is lr·g/(|g| + eps)
        for (int k = 0; k < 4; k++) {
            double expected = init[k] - 1e-3 * g[k] / (Math.abs(g[k]) + 1e-8);
            assertEquals(expected, w.data()[k], 1e-7);
        }
        assertEquals(0f, w.data()[3]); // zero gradient, no decay: no move
    }

    @Test
    void stepWithZeroLrChangesNothingButAdvancesTheMoments() {
        List<Parameter> ps = model(3);
        float[][] before = values(ps);
        AdamW opt = new AdamW(ps, WD);
        fillGrads(ps, 0);
        opt.step(0.0);
        for (int i = 0; i < ps.size(); i++) {
            assertArrayEquals(before[i], ps.get(i).data());
        }
        assertEquals(1, opt.stepCount());
        float[] m = opt.stateTensors().get("exp_avg.layer.0.weight").data();
        assertEquals(0.1f * ps.get(0).grad().data()[0], m[0]);
    }

    @Test
    void weightDecayOnlyForTheDecayGroup() {
        Parameter w = Parameter.weight("encoder.dense.weight", 5);
        Parameter b = Parameter.bias("encoder.dense.bias", 5);
        for (Parameter p : List.of(w, b)) {
            java.util.Arrays.fill(p.data(), 0.8f);
            p.grad(); // zero gradient: only the decay can move a value
        }
        AdamW opt = new AdamW(List.of(w, b), 0.1);
        opt.step(1e-2);
        assertEquals(0.8f * (float) (1 - 1e-2 * 0.1), w.data()[0]);
        assertEquals(0.8f, b.data()[0]);
    }

    @Test
    void skipsNonTrainableAndGradientlessParameters() {
        Parameter w = Parameter.weight("w", 3);
        Parameter table = Parameter.constant("sinusoid", 3);
        Parameter unused = Parameter.weight("unused", 3);
        java.util.Arrays.fill(table.data(), 1f);
        java.util.Arrays.fill(unused.data(), 1f);
        java.util.Arrays.fill(w.data(), 1f);
        w.grad().fill(0.5f);
        AdamW opt = new AdamW(List.of(w, table, unused), 0.5);
        assertEquals(List.of(w, unused), opt.parameters());
        opt.step(1e-2);
        assertArrayEquals(new float[] {1, 1, 1}, table.data());
        assertArrayEquals(new float[] {1, 1, 1}, unused.data()); // grad is None: untouched, even by decay
        assertNotEquals(1f, w.data()[0]);
        assertEquals(2, opt.stateTensors().size());
        assertFalse(opt.stateTensors().containsKey("exp_avg.unused"));
    }

    @Test
    void zeroGradClearsGradients() {
        List<Parameter> ps = model(4);
        fillGrads(ps, 0);
        new AdamW(ps, WD).zeroGrad();
        for (Parameter p : ps) {
            assertArrayEquals(new float[p.value().size()], p.grad().data());
        }
    }

    @Test
    void resumingFromSavedStateIsBitIdentical() {
        int total = 7;
        int cut = 3;
        List<Parameter> straight = model(5);
        AdamW a = new AdamW(straight, WD);
        for (int s = 0; s < total; s++) {
            fillGrads(straight, s);
            a.step(LRS[s]);
        }

        List<Parameter> first = model(5);
        AdamW b = new AdamW(first, WD);
        for (int s = 0; s < cut; s++) {
            fillGrads(first, s);
            b.step(LRS[s]);
        }
        // "checkpoint": copies of the parameters and of the optimizer state
        Map<String, Tensor> saved = new HashMap<>();
        b.stateTensors().forEach((k, t) -> saved.put(k, t.copy()));
        long savedSteps = b.stepCount();
        float[][] savedValues = values(first);

        List<Parameter> resumed = model(99); // different initial values, overwritten by the checkpoint
        for (int i = 0; i < resumed.size(); i++) {
            System.arraycopy(savedValues[i], 0, resumed.get(i).data(), 0, savedValues[i].length);
        }
        AdamW c = new AdamW(resumed, WD);
        c.loadState(saved, savedSteps);
        assertEquals(cut, c.stepCount());
        for (int s = cut; s < total; s++) {
            fillGrads(resumed, s);
            c.step(LRS[s]);
        }
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i).data(), resumed.get(i).data(), straight.get(i).name());
        }
        assertEquals(total, c.stepCount());
    }

    @Test
    void loadStateRejectsMismatches() {
        List<Parameter> ps = model(6);
        AdamW opt = new AdamW(ps, WD);
        fillGrads(ps, 0);
        opt.step(1e-3);
        Map<String, Tensor> state = new HashMap<>(opt.stateTensors());

        Map<String, Tensor> unknown = new HashMap<>(state);
        unknown.put("exp_avg.nope", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(unknown, 1));
        assertTrue(e.getMessage().contains("exp_avg.nope"), e.getMessage());

        Map<String, Tensor> half = new HashMap<>(state);
        half.remove("exp_avg_sq.layer.0.weight");
        e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(half, 1));
        assertTrue(e.getMessage().contains("exp_avg_sq.layer.0.weight"), e.getMessage());

        Map<String, Tensor> shape = new HashMap<>(state);
        shape.put("exp_avg.layer.1.bias", Tensor.zeros(8));
        e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(shape, 1));
        assertTrue(e.getMessage().contains("exp_avg.layer.1.bias") && e.getMessage().contains("[8]"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> opt.loadState(state, -1));
        assertThrows(IllegalArgumentException.class, () -> opt.step(Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> new AdamW(List.of(Parameter.weight("x", 1), Parameter.weight("x", 2)), 0));
    }

    @Test
    void resultDoesNotDependOnThreadCount() {
        int saved = Parallel.threads();
        try {
            float[][][] results = new float[2][][];
            int[] threads = {1, 3};
            for (int r = 0; r < 2; r++) {
                Parallel.setThreads(threads[r]);
                List<Parameter> ps = model(7);
                AdamW opt = new AdamW(ps, WD);
                for (int s = 0; s < 3; s++) {
                    fillGrads(ps, s);
                    opt.step(LRS[s + 1]);
                }
                results[r] = values(ps);
            }
            for (int i = 0; i < results[0].length; i++) {
                assertArrayEquals(results[0][i], results[1][i]);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
