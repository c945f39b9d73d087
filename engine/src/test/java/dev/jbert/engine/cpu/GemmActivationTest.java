package dev.jbert.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * {@link Activation} (the epilogue of {@link Gemm#linear}) against double-precision references:
 * erf/erfc from their series and continued fraction, GELU at points where PyTorch's values are known.
 */
class GemmActivationTest {

    // ---------------------------------------------------------------- double-precision references

    /** erf by its everywhere-convergent series 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3···(2n+1)), |x| ≤ 3. */
    private static double refErfSeries(double x) {
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
            if (Math.abs(term) < 1e-18 * Math.abs(sum)) {
                break;
            }
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }

    /** erfc(x) for x ≥ 2 by its continued fraction (modified Lentz). */
    private static double refErfcContinuedFraction(double x) {
        // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int i = 1; i < 500; i++) {
            double an = i / 2.0;
            d = x + an * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + an / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-17) {
                break;
            }
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    private static double refErfc(double x) {
        if (x < 0) {
            return 2 - refErfc(-x);
        }
        return x < 2 ? 1 - refErfSeries(x) : refErfcContinuedFraction(x);
    }

    private static double refErf(double x) {
        return Math.abs(x) < 2 ? refErfSeries(x) : Math.signum(x) * (1 - refErfcContinuedFraction(Math.abs(x)));
    }

    private static double refGelu(double x) {
        return 0.5 * x * refErfc(-x / Math.sqrt(2));
    }

    private static double refGeluGrad(double x) {
        return 0.5 * refErfc(-x / Math.sqrt(2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    private static final double BETA = Math.sqrt(2 / Math.PI);

    private static double refGeluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(BETA * (x + 0.044715 * x * x * x)));
    }

    private static double refGeluTanhGrad(double x) {
        double y = BETA * (x + 0.044715 * x * x * x);
        double th = Math.tanh(y);
        return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * BETA * (1 + 3 * 0.044715 * x * x);
    }

    private static double reference(Activation a, double x) {
        return switch (a) {
            case NONE -> x;
            case GELU -> refGelu(x);
            case GELU_TANH -> refGeluTanh(x);
            case RELU -> Math.max(x, 0);
            case TANH -> Math.tanh(x);
        };
    }

    private static double referenceGrad(Activation a, double x) {
        return switch (a) {
            case NONE -> 1;
            case GELU -> refGeluGrad(x);
            case GELU_TANH -> refGeluTanhGrad(x);
            case RELU -> x > 0 ? 1 : 0;
            case TANH -> 1 / (Math.cosh(x) * Math.cosh(x));
        };
    }

    /** |got − want| in units of the last place of want rounded to float (0 for both tiny). */
    private static double ulps(float got, double want) {
        if (Math.abs(want) < Float.MIN_NORMAL && Math.abs(got) < Float.MIN_NORMAL) {
            return Math.abs(got - want) / Float.MIN_VALUE > 1e6 ? Double.POSITIVE_INFINITY : 0;
        }
        return Math.abs(got - want) / Math.ulp((float) want);
    }

    /** Every float-th point in [lo, hi] stepping by ~step, plus random points. */
    private static float[] grid(float lo, float hi, int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[2 * count];
        for (int i = 0; i < count; i++) {
            x[i] = lo + (hi - lo) * i / (count - 1);
            x[count + i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return x;
    }

    // ---------------------------------------------------------------- erf

    @Test
    void referencesAgreeWithEachOther() {
        // the series and the continued fraction overlap around 2..3
        for (double x = 2; x <= 3; x += 0.125) {
            assertEquals(1 - refErfSeries(x), refErfcContinuedFraction(x), 1e-15);
        }
        assertEquals(0.8427007929497149, refErf(1), 3e-16);
        assertEquals(2.0884875837625447e-45, refErfc(10), 1e-58);
    }

    @Test
    void erfIsWithinOneUlp() {
        double worst = 0;
        for (float x : grid(-6f, 6f, 200_001, 11)) {
            worst = Math.max(worst, ulps(Activation.erf(x), refErf(x)));
        }
        // tiny arguments, where erf(x) ≈ 2x/√π
        for (float x = 1e-30f; x < 0.5f; x *= 1.37f) {
            worst = Math.max(worst, ulps(Activation.erf(x), refErf(x)));
            worst = Math.max(worst, ulps(Activation.erf(-x), refErf(-x)));
        }
        assertTrue(worst <= 1.0, "erf max error " + worst + " ulp");
        assertEquals(1f, Activation.erf(10f));
        assertEquals(-1f, Activation.erf(Float.NEGATIVE_INFINITY));
        assertEquals(0f, Activation.erf(0f));
        assertTrue(Float.isNaN(Activation.erf(Float.NaN)));
    }

    @Test
    void erfcIsWithinOneUlpIntoTheTail() {
        double worst = 0;
        // erfc(x) is a normal float up to x ≈ 9.1
        for (float x : grid(-3f, 9.1f, 200_001, 12)) {
            worst = Math.max(worst, ulps(Activation.erfc(x), refErfc(x)));
        }
        assertTrue(worst <= 1.0, "erfc max error " + worst + " ulp");
        assertEquals(0f, Activation.erfc(12f));
        assertEquals(2f, Activation.erfc(Float.NEGATIVE_INFINITY));
    }

    // ---------------------------------------------------------------- GELU and friends

    @Test
    void geluMatchesPyTorchValues() {
        // torch.nn.functional.gelu (approximate='none' and 'tanh') in float32 at these points;
        // they are the exact values rounded to float (PyTorch is within ~1e-7 of them)
        float[] x = {-3f, -2f, -1f, -0.5f, 0f, 0.5f, 1f, 2f, 3f};
        float[] gelu = {-0.004049694f, -0.045500264f, -0.15865526f, -0.15426877f, 0f, 0.34573123f, 0.8413448f,
            1.9544997f, 2.9959502f};
        float[] geluTanh = {-0.003637392f, -0.045402307f, -0.15880801f, -0.154286f, 0f, 0.345714f, 0.841192f,
            1.9545977f, 2.9963627f};
        float[] out = new float[x.length];
        Activation.forward(Activation.GELU, x, 0, out, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(gelu[i], Activation.GELU.apply(x[i]), 2e-7f, "gelu(" + x[i] + ")");
            assertEquals(gelu[i], out[i], 2e-7f, "vector gelu(" + x[i] + ")");
        }
        Activation.forward(Activation.GELU_TANH, x, 0, out, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(geluTanh[i], Activation.GELU_TANH.apply(x[i]), 2e-7f, "gelu_tanh(" + x[i] + ")");
            assertEquals(geluTanh[i], out[i], 2e-7f, "vector gelu_tanh(" + x[i] + ")");
        }
    }

    /** Max ulp error over a grid of the scalar method and of the vector method. */
    private static double[] worstUlps(Activation a, boolean grad, float lo, float hi) {
        float[] x = grid(lo, hi, 100_001, 13);
        float[] vec = new float[x.length];
        if (grad) {
            float[] ones = new float[x.length];
            java.util.Arrays.fill(ones, 1f);
            Activation.backward(a, x, 0, ones, 0, vec, 0, x.length);
        } else {
            Activation.forward(a, x, 0, vec, 0, x.length);
        }
        double scalar = 0;
        double vector = 0;
        for (int i = 0; i < x.length; i++) {
            double want = grad ? referenceGrad(a, x[i]) : reference(a, x[i]);
            float s = grad ? a.derivative(x[i]) : a.apply(x[i]);
            // derivatives cross zero (GELU' at x ≈ −0.75) by cancellation of O(0.1) terms: there
            // an error is measured in ulps of 0.25 rather than of the (tiny) value
            double scale = grad ? Math.max(Math.abs(want), 0.25) : want;
            scalar = Math.max(scalar, ulps(s, want) * Math.ulp((float) want) / Math.ulp((float) scale));
            vector = Math.max(vector, ulps(vec[i], want) * Math.ulp((float) want) / Math.ulp((float) scale));
        }
        return new double[] {scalar, vector};
    }

    @Test
    void geluIsAccurateToTheLastBits() {
        // x·Φ(x) is a normal float down to x ≈ −13
        double[] e = worstUlps(Activation.GELU, false, -13f, 10f);
        System.out.printf("GELU max error: scalar %.3f ulp, vector %.3f ulp%n", e[0], e[1]);
        assertTrue(e[0] <= 0.6, "scalar GELU max error " + e[0] + " ulp");
        assertTrue(e[1] <= 0.6, "vector GELU max error " + e[1] + " ulp");
        double[] g = worstUlps(Activation.GELU, true, -8f, 8f);
        assertTrue(g[0] <= 1.0, "scalar GELU' max error " + g[0] + " ulp");
        assertTrue(g[1] <= 1.0, "vector GELU' max error " + g[1] + " ulp");
    }

    @Test
    void geluTanhTanhReluAreAccurate() {
        // the double reference 0.5x(1 + tanh y) itself cancels for x << 0: compare where it does not
        double[] e = worstUlps(Activation.GELU_TANH, false, -3f, 10f);
        assertTrue(e[0] <= 0.6, "scalar GELU_TANH max error " + e[0] + " ulp");
        assertTrue(e[1] <= 0.6, "vector GELU_TANH max error " + e[1] + " ulp");
        double[] g = worstUlps(Activation.GELU_TANH, true, -3f, 8f);
        assertTrue(g[0] <= 1.0 && g[1] <= 1.0, "GELU_TANH' max error " + g[0] + " / " + g[1] + " ulp");
        double[] t = worstUlps(Activation.TANH, false, -10f, 10f);
        assertTrue(t[0] <= 1.0 && t[1] <= 2.0, "TANH max error " + t[0] + " / " + t[1] + " ulp");
        double[] r = worstUlps(Activation.RELU, false, -10f, 10f);
        assertTrue(r[0] == 0 && r[1] == 0, "RELU is exact");
    }

    @Test
    void derivativesMatchReferencesAndFiniteDifferences() {
        for (Activation a : Activation.values()) {
            double[] g = worstUlps(a, true, -6f, 6f);
            // the derivatives are near 0 only where they are tiny in absolute terms too; check absolute error
            float[] x = grid(-6f, 6f, 20_001, 14);
            float[] ones = new float[x.length];
            java.util.Arrays.fill(ones, 1f);
            float[] vec = new float[x.length];
            Activation.backward(a, x, 0, ones, 0, vec, 0, x.length);
            double worstAbs = 0;
            for (int i = 0; i < x.length; i++) {
                double want = referenceGrad(a, x[i]);
                worstAbs = Math.max(worstAbs, Math.abs(a.derivative(x[i]) - want));
                worstAbs = Math.max(worstAbs, Math.abs(vec[i] - want));
            }
            assertTrue(worstAbs < 3e-7, a + "' max abs error " + worstAbs + " (ulps " + g[0] + " / " + g[1] + ")");
            // central differences in double around points away from RELU's kink
            for (double x0 : new double[] {-2.5, -0.7, 0.3, 1.1, 3.7}) {
                double h = 1e-5;
                double fd = (reference(a, x0 + h) - reference(a, x0 - h)) / (2 * h);
                assertEquals(fd, a.derivative((float) x0), 2e-6 * Math.max(1, Math.abs(fd)), a + "'(" + x0 + ")");
            }
        }
    }

    @Test
    void backwardMultipliesTheIncomingGradientAndHandlesTails() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (Activation a : Activation.values()) {
            for (int n : new int[] {1, 5, 16, 17, 33, 100}) {
                float[] pre = new float[n + 3];
                float[] dout = new float[n + 3];
                for (int i = 0; i < pre.length; i++) {
                    pre[i] = (float) (rnd.nextDouble() * 8 - 4);
                    dout[i] = (float) (rnd.nextDouble() * 2 - 1);
                }
                float[] dx = new float[n + 5];
                java.util.Arrays.fill(dx, Float.NaN);
                Activation.backward(a, pre, 3, dout, 2, dx, 1, n);
                assertTrue(Float.isNaN(dx[0]) && Float.isNaN(dx[n + 1]), a + ": wrote outside dx");
                for (int i = 0; i < n; i++) {
                    float want = dout[2 + i] * a.derivative(pre[3 + i]);
                    assertEquals(want, dx[1 + i], 4e-7f * Math.max(1f, Math.abs(want)), a + " n=" + n + " i=" + i);
                }
                // in place: dx aliases dout
                float[] inPlace = dout.clone();
                Activation.backward(a, pre, 3, inPlace, 2, inPlace, 2, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(dx[1 + i], inPlace[2 + i], 0f, a + " in place");
                }
            }
        }
    }

    @Test
    void forwardInPlaceAndTails() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (Activation a : Activation.values()) {
            for (int n : new int[] {1, 7, 16, 31, 65}) {
                float[] x = new float[n + 2];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rnd.nextDouble() * 10 - 5);
                }
                float[] out = new float[n + 4];
                java.util.Arrays.fill(out, Float.NaN);
                Activation.forward(a, x, 2, out, 1, n);
                assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[n + 1]), a + ": wrote outside out");
                float[] inPlace = x.clone();
                Activation.forward(a, inPlace, 2, inPlace, 2, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(out[1 + i], inPlace[2 + i], 0f, a + " in place");
                    float tol = 4e-7f * Math.max(1f, Math.abs(out[1 + i]));
                    assertEquals(a.apply(x[2 + i]), out[1 + i], tol, a + " vs apply");
                }
            }
        }
    }

    /**
     * The vector loops and the scalar methods run the same exactly rounded operations with our own
     * exp, so they agree to the bit, forward and backward, on every value (special ones included).
     * Nothing here may depend on JIT intrinsics (which round differently from the interpreter).
     */
    @Test
    void vectorLoopsAndScalarMethodsAgreeToTheBit() {
        SplittableRandom rnd = new SplittableRandom(17);
        int n = 20_011;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 5) {
                case 0 -> (float) (rnd.nextDouble() * 20 - 10);
                case 1 -> (float) (rnd.nextGaussian() * 1e-3);
                case 2 -> (float) (rnd.nextGaussian() * 60);
                default -> (float) rnd.nextGaussian();
            };
        }
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-30f, 0x1p-12f, -0x1p-12f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 39.9f, -39.9f, 100f, -100f};
        System.arraycopy(special, 0, x, 0, special.length);
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        for (Activation a : Activation.values()) {
            float[] out = new float[n];
            float[] dx = new float[n];
            Activation.forward(a, x, 0, out, 0, n);
            Activation.backward(a, x, 0, ones, 0, dx, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(a.apply(x[i])), Float.floatToIntBits(out[i]), a + "(" + x[i] + ")");
                assertEquals(Float.floatToIntBits(a.derivative(x[i])), Float.floatToIntBits(dx[i]), a + "'(" + x[i] + ")");
            }
        }
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Activation.TANH.apply(-0f)));
    }

    @Test
    void specialValues() {
        assertEquals(Float.POSITIVE_INFINITY, Activation.GELU.apply(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(Activation.GELU.apply(Float.NaN)));
        assertEquals(1f, Activation.GELU.derivative(Float.POSITIVE_INFINITY));
        assertEquals(0f, Activation.GELU.derivative(Float.NEGATIVE_INFINITY), 0f);
        assertEquals(0f, Activation.GELU.apply(-20f), 0f);
        assertEquals(0f, Activation.RELU.apply(-0f), 0f);
        assertTrue(Float.isNaN(Activation.RELU.apply(Float.NaN)));
        assertEquals(1f, Activation.TANH.apply(30f));
        assertEquals(3.5026e-26f, Activation.TANH.derivative(30f), 1e-30f); // 4·e^(−60)
        float[] v = {Float.NaN, Float.POSITIVE_INFINITY, -20f, 30f};
        float[] out = new float[4];
        Activation.forward(Activation.GELU, v, 0, out, 0, 4);
        assertTrue(Float.isNaN(out[0]));
        assertEquals(Float.POSITIVE_INFINITY, out[1]);
        assertEquals(0f, out[2], 0f);
        assertEquals(30f, out[3]);
    }
}
