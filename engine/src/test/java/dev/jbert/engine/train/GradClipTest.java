package dev.jbert.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.cpu.Parallel;
import dev.jbert.engine.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GradClipTest {

    /** Gradients (3, 4) and (12): per-tensor norms 5 and 12, total 13. */
    private static List<Parameter> thirteen() {
        Parameter a = Parameter.weight("a", 2);
        Parameter b = Parameter.bias("b", 1);
        a.grad().data()[0] = 3;
        a.grad().data()[1] = 4;
        b.grad().data()[0] = 12;
        return List.of(a, b);
    }

    private static float[] grads(List<Parameter> ps) {
        List<Float> all = new ArrayList<>();
        for (Parameter p : ps) {
            for (float g : p.grad().data()) {
                all.add(g);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    @Test
    void clipsByMaxNormOverTotalPlusEpsilon() {
        List<Parameter> ps = thirteen();
        float total = GradClip.clipGradNorm(ps, 1.0);
        assertEquals(13f, total);
        float coef = (1f / (13f + 1e-6f)) * 1f;
        assertArrayEquals(new float[] {3 * coef, 4 * coef, 12 * coef}, grads(ps));
        assertEquals(1.0, GradClip.globalNorm(ps), 1e-6);

        List<Parameter> other = thirteen();
        GradClip.clipGradNorm(other, 6.5);
        float half = (1f / (13f + 1e-6f)) * 6.5f;
        assertArrayEquals(new float[] {3 * half, 4 * half, 12 * half}, grads(other));
    }

    @Test
    void leavesGradientsBitIdenticalBelowMaxNorm() {
        List<Parameter> ps = thirteen();
        assertEquals(13f, GradClip.clipGradNorm(ps, 13.5));
        assertArrayEquals(new float[] {3, 4, 12}, grads(ps));
    }

    @Test
    void scalesWhenTotalPlusEpsilonExceedsMaxNormAsPyTorch() {
        // total == max_norm: PyTorch still multiplies by max/(total + 1e-6) < 1
        List<Parameter> ps = thirteen();
        GradClip.clipGradNorm(ps, 13.0);
        float coef = (1f / (13f + 1e-6f)) * 13f;
        assertTrue(coef < 1f);
        assertArrayEquals(new float[] {3 * coef, 4 * coef, 12 * coef}, grads(ps));
    }

    @Test
    void zeroInfiniteOrNaNMaxNormDisablesClipping() {
        for (double off : new double[] {0.0, -1.0, Double.POSITIVE_INFINITY, Double.NaN}) {
            List<Parameter> ps = thirteen();
            assertEquals(13f, GradClip.clipGradNorm(ps, off));
            assertArrayEquals(new float[] {3, 4, 12}, grads(ps));
        }
    }

    @Test
    void ignoresParametersWithoutGradient() {
        List<Parameter> ps = new ArrayList<>(thirteen());
        Parameter none = Parameter.weight("none", 3);
        ps.add(none);
        assertEquals(13f, GradClip.clipGradNorm(ps, 100));
        assertTrue(!none.hasGrad());
        assertEquals(0f, GradClip.clipGradNorm(List.of(none), 1.0));
    }

    @Test
    void largeRandomGradientsAgainstDoubleAndAcrossThreadCounts() {
        int saved = Parallel.threads();
        try {
            float[] totals = new float[2];
            float[][] clipped = new float[2][];
            int[] threads = {1, 2};
            for (int r = 0; r < 2; r++) {
                Parallel.setThreads(threads[r]);
                Random rnd = new Random(5);
                List<Parameter> ps = List.of(Parameter.weight("big", 300, 1001), Parameter.bias("small", 17),
                        Parameter.weight("mid", 40000));
                double sq = 0;
                double normOfNorms = 0;
                for (Parameter p : ps) {
                    float[] g = p.grad().data();
                    double tensorSq = 0;
                    for (int k = 0; k < g.length; k++) {
                        g[k] = (float) (rnd.nextGaussian() * 1e-3);
                        tensorSq += (double) g[k] * g[k];
                    }
                    sq += tensorSq;
                    float norm = (float) Math.sqrt(tensorSq);
                    normOfNorms += (double) norm * norm;
                }
                totals[r] = GradClip.clipGradNorm(ps, 0.1);
                assertEquals(Math.sqrt(sq), totals[r], 1e-6 * Math.sqrt(sq));
                assertEquals((float) Math.sqrt(normOfNorms), totals[r]);
                assertEquals(0.1, GradClip.globalNorm(ps), 1e-6);
                clipped[r] = ps.get(0).grad().data().clone();
            }
            assertEquals(totals[0], totals[1]);
            assertArrayEquals(clipped[0], clipped[1]);
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
