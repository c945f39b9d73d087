package dev.jbert.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AttentionKernel against a float64 reference written here with plain loops (forward and
 * analytic backward), and that reference's backward against central differences.
 *
 * <p>q, k, v, dout ~ N(0, 1), so the scores q·k/√D are ~N(0, 1) and the softmax is far from
 * uniform. Masks: right padding (batch row b has length max(1, T − 2b): row 0 unpadded, the
 * others partly padded) or scattered holes (see {@link Case#random}). Dropout: p = 0.25, mask
 * values 0 or (float) 1/(1 − p).
 */
class AttentionKernelTest {
    private static final double EPS32 = 0x1p-24;

    // ---------------------------------------------------------------- float64 reference

    /** Straightforward HF eager attention in float64; probs [B,H,T,T] before dropout. */
    static void refForward(double[] q, double[] k, double[] v, double[] keyMask, int B, int T, int H, int D,
                           double[] probs, double[] dropMask, double[] out) {
        int C = H * D;
        double scale = 1 / Math.sqrt(D);
        java.util.Arrays.fill(out, 0);
        double[] s = new double[T];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                for (int i = 0; i < T; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < T; j++) {
                        if (keyMask != null && keyMask[b * T + j] == 0) {
                            continue;
                        }
                        double dot = 0;
                        for (int d = 0; d < D; d++) {
                            dot += q[(b * T + i) * C + h * D + d] * k[(b * T + j) * C + h * D + d];
                        }
                        s[j] = dot * scale;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < T; j++) {
                        boolean real = keyMask == null || keyMask[b * T + j] != 0;
                        s[j] = real ? Math.exp(s[j] - max) : 0;
                        sum += s[j];
                    }
                    int p0 = ((b * H + h) * T + i) * T;
                    for (int j = 0; j < T; j++) {
                        double p = sum > 0 ? s[j] / sum : 0;
                        probs[p0 + j] = p;
                        double pd = dropMask != null ? p * dropMask[p0 + j] : p;
                        for (int d = 0; d < D; d++) {
                            out[(b * T + i) * C + h * D + d] += pd * v[(b * T + j) * C + h * D + d];
                        }
                    }
                }
            }
        }
    }

    /** Analytic backward in float64; dq, dk, dv overwritten. */
    static void refBackward(double[] dout, double[] q, double[] k, double[] v, int B, int T, int H, int D,
                            double[] probs, double[] dropMask, double[] dq, double[] dk, double[] dv) {
        int C = H * D;
        double scale = 1 / Math.sqrt(D);
        java.util.Arrays.fill(dq, 0);
        java.util.Arrays.fill(dk, 0);
        java.util.Arrays.fill(dv, 0);
        double[] dp = new double[T];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                for (int i = 0; i < T; i++) {
                    int p0 = ((b * H + h) * T + i) * T;
                    int oi = (b * T + i) * C + h * D;
                    double dot = 0;
                    for (int j = 0; j < T; j++) {
                        int oj = (b * T + j) * C + h * D;
                        double m = dropMask != null ? dropMask[p0 + j] : 1;
                        double g = 0;
                        for (int d = 0; d < D; d++) {
                            g += dout[oi + d] * v[oj + d];
                            dv[oj + d] += probs[p0 + j] * m * dout[oi + d];
                        }
                        dp[j] = g * m;
                        dot += probs[p0 + j] * dp[j];
                    }
                    for (int j = 0; j < T; j++) {
                        int oj = (b * T + j) * C + h * D;
                        double ds = probs[p0 + j] * (dp[j] - dot) * scale;
                        for (int d = 0; d < D; d++) {
                            dq[oi + d] += ds * k[oj + d];
                            dk[oj + d] += ds * q[oi + d];
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- test data

    record Case(int B, int T, int H, int D, float[] q, float[] k, float[] v, float[] keyMask, float[] dropMask,
                float[] dout) {
        int C() {
            return H * D;
        }

        static Case random(long seed, int B, int T, int H, int D, boolean mask, boolean dropout) {
            return random(seed, B, T, H, D, mask ? "right" : "none", dropout);
        }

        /**
         * mask: "none"; "right": batch row b has length max(1, T − 2b), right-padded (row 0 has no
         * padding); "holes": padding scattered anywhere, the last key and about a third of the rest
         * padded, the first key real (exercises the in-softmax mask rather than the skipped tail).
         */
        static Case random(long seed, int B, int T, int H, int D, String mask, boolean dropout) {
            Random rnd = new Random(seed);
            int n = B * T * H * D;
            float[] keyMask = null;
            if (mask.equals("right")) {
                keyMask = new float[B * T];
                for (int b = 0; b < B; b++) {
                    int len = Math.max(1, T - 2 * b);
                    for (int t = 0; t < len; t++) {
                        keyMask[b * T + t] = 1f;
                    }
                }
            } else if (mask.equals("holes")) {
                keyMask = new float[B * T];
                for (int b = 0; b < B; b++) {
                    for (int t = 0; t < T; t++) {
                        keyMask[b * T + t] = t == 0 || (t < T - 1 && rnd.nextInt(3) != 0) ? 1f : 0f;
                    }
                }
            } else if (!mask.equals("none")) {
                throw new IllegalArgumentException(mask);
            }
            float[] dropMask = null;
            if (dropout) {
                float keep = (float) (1 / (1 - 0.25));
                dropMask = new float[B * H * T * T];
                for (int i = 0; i < dropMask.length; i++) {
                    dropMask[i] = rnd.nextDouble() < 0.25 ? 0f : keep;
                }
            }
            return new Case(B, T, H, D, randn(rnd, n), randn(rnd, n), randn(rnd, n), keyMask, dropMask,
                    randn(rnd, n));
        }
    }

    static float[] randn(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    static double[] d(float[] a) {
        if (a == null) {
            return null;
        }
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static double maxDiff(float[] a, double[] ref) {
        double m = 0;
        for (int i = 0; i < ref.length; i++) {
            m = Math.max(m, Math.abs(a[i] - ref[i]));
        }
        return m;
    }

    /** The kernel's results on a case: out, probs, dq, dk, dv. */
    static float[][] runKernel(Case t) {
        int n = t.B * t.T * t.C();
        float[] out = new float[n];
        float[] probs = new float[t.B * t.H * t.T * t.T];
        AttentionKernel.forward(t.q, t.k, t.v, t.keyMask, t.B, t.T, t.H, t.D, probs, t.dropMask, out);
        float[] dq = new float[n];
        float[] dk = new float[n];
        float[] dv = new float[n];
        java.util.Arrays.fill(dq, Float.NaN); // all three are overwritten, never read
        java.util.Arrays.fill(dk, Float.NaN);
        java.util.Arrays.fill(dv, Float.NaN);
        AttentionKernel.backward(t.dout, t.q, t.k, t.v, t.keyMask, t.B, t.T, t.H, t.D, probs, t.dropMask,
                dq, dk, dv);
        return new float[][] {out, probs, dq, dk, dv};
    }

    // ---------------------------------------------------------------- forward and backward vs float64

    @ParameterizedTest(name = "B={0} T={1} H={2} D={3} mask={4} dropout={5}")
    @CsvSource({
        "1,1,1,3,none,false",
        "1,5,1,3,none,false",
        "2,5,3,3,right,false",
        "2,9,1,16,right,true",
        "3,9,3,16,right,false",
        "2,9,3,16,holes,true",
        "2,5,3,7,none,true",
        "2,33,2,64,right,true",
        "2,33,2,64,holes,false",
        "2,20,3,35,right,false",
        "1,64,2,64,none,false",
        "2,17,1,128,right,true",
        "2,128,2,64,right,true",
    })
    void float32MatchesFloat64Reference(int B, int T, int H, int D, String mask, boolean dropout) {
        Case t = Case.random(1000L * T + 31L * D + 7L * H + B, B, T, H, D, mask, dropout);
        float[][] got = runKernel(t);
        int n = B * T * t.C();
        double[] out = new double[n];
        double[] probs = new double[B * H * T * T];
        refForward(d(t.q), d(t.k), d(t.v), d(t.keyMask), B, T, H, D, probs, d(t.dropMask), out);
        double[] dq = new double[n];
        double[] dk = new double[n];
        double[] dv = new double[n];
        refBackward(d(t.dout), d(t.q), d(t.k), d(t.v), B, T, H, D, probs, d(t.dropMask), dq, dk, dv);

        // probs: a score is a D-term float dot product of N(0,1) values, error ≲ √D·ε·|q||k|·scale
        // ~ ε·D^½ (a few 1e-7 at D = 128); exp and the 1/Σ scaling add ~2ε relative. So each
        // probability is off by ≲ 1e-6 relative, and since p ≤ 1, abs 1e-6 bounds it (the
        // tolerance HF's golden data suggests for attention probabilities too). Measured ≤ 2.1e-7.
        assertTrue(maxDiff(got[1], probs) <= 1e-6, "probs max diff " + maxDiff(got[1], probs));
        // out = Σ_j p·m·v over T keys: the probability errors above times |v| ≲ 4, plus the T-term
        // float sum (≲ T·ε·Σ|p·m·v| ≈ ε·T·4/0.75 ≈ 1e-5 worst case, ~√T·ε in practice).
        // 2e-6·(1 + |out|) is ≥ 3× the worst measured on these shapes (5.9e-7, T = 33, D = 64).
        for (int i = 0; i < n; i++) {
            assertEquals(out[i], got[0][i], 2e-6 * (1 + Math.abs(out[i])), "out[" + i + "]");
        }
        // Gradients: dP = dout·vᵀ (D terms, |·| ≲ 3√D), dS = P·(dP − Σ P·dP)·scale loses no
        // accuracy beyond that absolute error (the subtraction cancels values, not errors), and
        // dq, dk, dv sum T such terms. The float error is ~ε·(√D + √T) relative to each tensor's
        // largest element, measured ≤ 7.4e-7 here; 1e-5·max|ref| gives a ≥ 10× margin and is 100× tighter
        // than the per-tensor rule (1e-3·max) the HF gradient goldens suggest.
        assertClose("dq", got[2], dq);
        assertClose("dk", got[3], dk);
        assertClose("dv", got[4], dv);
    }

    private static void assertClose(String name, float[] got, double[] ref) {
        double tol = 1e-5 * maxAbs(ref) + 1e-9;
        double diff = maxDiff(got, ref);
        assertTrue(diff <= tol, name + " max diff " + diff + " > " + tol + " (max " + maxAbs(ref) + ")");
    }

    @ParameterizedTest(name = "B={0} T={1} H={2} D={3} mask={4} dropout={5}")
    @CsvSource({
        "1,1,1,3,none,false",
        "2,5,3,3,right,false",
        "2,5,1,16,right,true",
        "3,9,1,3,right,true",
        "2,9,2,3,holes,true",
        "1,9,3,7,none,false",
    })
    void float64BackwardMatchesCentralDifferences(int B, int T, int H, int D, String mask, boolean dropout) {
        Case t = Case.random(77L * T + 5L * D + H + B, B, T, H, D, mask, dropout);
        int n = B * T * t.C();
        double[] q = d(t.q);
        double[] k = d(t.k);
        double[] v = d(t.v);
        double[] w = d(t.dout);
        double[] km = d(t.keyMask);
        double[] dm = d(t.dropMask);
        double[] probs = new double[B * H * T * T];
        refForward(q, k, v, km, B, T, H, D, probs, dm, new double[n]);
        double[] dq = new double[n];
        double[] dk = new double[n];
        double[] dv = new double[n];
        refBackward(w, q, k, v, B, T, H, D, probs, dm, dq, dk, dv);

        java.util.function.DoubleSupplier loss = () -> {
            double[] out = new double[n];
            refForward(q, k, v, km, B, T, H, D, new double[probs.length], dm, out);
            double l = 0;
            for (int i = 0; i < n; i++) {
                l += out[i] * w[i];
            }
            return l;
        };
        // L = Σ out·w is smooth; with h = 1e-5 and O(1) inputs the truncation error h²/6·|L'''| is
        // ~1e-10 and rounding ~ε64·Σ|out·w|/h ≈ 1e-16·(n·2)/1e-5 ≤ 1e-8. Tolerance abs 1e-7 +
        // rel 1e-6 is ≥ 10× both; a wrong term would be off by O(0.1).
        double h = 1e-5;
        double[][] params = {q, k, v};
        double[][] grads = {dq, dk, dv};
        String[] names = {"dq", "dk", "dv"};
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < n; i++) {
                double fd = LayerNormKernelTest.centralDiff(params[p], i, h, loss);
                assertEquals(fd, grads[p][i], 1e-7 + 1e-6 * Math.abs(fd), names[p] + "[" + i + "]");
            }
        }
    }

    // ---------------------------------------------------------------- properties

    @ParameterizedTest(name = "mask={0}")
    @CsvSource({"right", "holes"})
    void paddedKeysGetZeroProbabilityAndZeroGradient(String mask) {
        Case t = Case.random(3, 3, 9, 3, 16, mask, true);
        float[][] got = runKernel(t);
        float[] probs = got[1];
        int T = t.T;
        int C = t.C();
        for (int b = 0; b < t.B; b++) {
            for (int j = 0; j < T; j++) {
                if (t.keyMask[b * T + j] != 0f) {
                    continue;
                }
                for (int h = 0; h < t.H; h++) {
                    for (int i = 0; i < T; i++) {
                        // bit pattern of +0.0f: exactly zero, not merely tiny
                        assertEquals(0, Float.floatToRawIntBits(probs[((b * t.H + h) * T + i) * T + j]),
                                "probs b=" + b + " h=" + h + " i=" + i + " j=" + j);
                    }
                }
                for (int c = 0; c < C; c++) {
                    assertTrue(got[3][(b * T + j) * C + c] == 0f, "dk b=" + b + " j=" + j);
                    assertTrue(got[4][(b * T + j) * C + c] == 0f, "dv b=" + b + " j=" + j);
                }
            }
        }
    }

    @ParameterizedTest(name = "mask={0}")
    @CsvSource({"right", "holes"})
    void probabilityRowsSumToOne(String mask) {
        Case t = Case.random(4, 3, 37, 2, 16, mask, false);
        float[] probs = runKernel(t)[1];
        for (int row = 0; row < t.B * t.H * t.T; row++) {
            double s = 0;
            for (int j = 0; j < t.T; j++) {
                s += probs[row * t.T + j];
            }
            // T ≤ 37 probabilities each within ~2ε relative of exact, normalised by a float 1/Σ:
            // |Σ − 1| ≲ 3ε ≈ 2e-7; 1e-6 leaves margin.
            assertEquals(1.0, s, 1e-6, "row " + row);
        }
    }

    @Test
    void fullyPaddedRowGivesZeros() {
        Case t = Case.random(8, 2, 6, 2, 8, false, false);
        float[] keyMask = new float[2 * 6];
        java.util.Arrays.fill(keyMask, 0, 6, 1f);    // batch row 1: no real key at all
        t = new Case(t.B, t.T, t.H, t.D, t.q, t.k, t.v, keyMask, null, t.dout);
        float[][] got = runKernel(t);
        int C = t.C();
        for (int i = 6 * C; i < 12 * C; i++) {
            assertTrue(got[0][i] == 0f && got[2][i] == 0f && got[3][i] == 0f && got[4][i] == 0f, "index " + i);
        }
    }

    @Test
    void inferenceWithoutProbsEqualsTraining() {
        for (boolean dropout : new boolean[] {false, true}) {
            Case t = Case.random(9, 2, 11, 3, 16, true, dropout);
            float[] out1 = runKernel(t)[0];
            float[] out2 = new float[out1.length];
            AttentionKernel.forward(t.q, t.k, t.v, t.keyMask, t.B, t.T, t.H, t.D, null, t.dropMask, out2);
            assertArrayEquals(out1, out2, "dropout=" + dropout);
        }
    }

    @Test
    void multithreadedEqualsSingleThreaded() {
        Case t = Case.random(10, 3, 21, 4, 16, true, true);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[][] one = runKernel(t);
            Parallel.setThreads(2);
            float[][] two = runKernel(t);
            Parallel.setThreads(5);
            float[][] five = runKernel(t);
            for (int i = 0; i < one.length; i++) {
                // each (b, h) pair writes its own disjoint slice: results are bitwise identical
                assertArrayEquals(one[i], two[i], "result " + i);
                assertArrayEquals(one[i], five[i], "result " + i);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void sameBitsColdAndWarm() {
        // The first call runs in the interpreter, later ones in JIT-compiled code. reduceLanes(ADD)
        // and lanewise(EXP) may round differently in the two; the kernel uses fixed-order sums and
        // its own exp instead, so its bits must not change as the JVM warms up.
        Case t = Case.random(12, 2, 13, 2, 16, true, true);
        int before = Parallel.threads();
        Parallel.setThreads(1);
        try {
            float[][] cold = runKernel(t);
            for (int i = 0; i < 1500; i++) {
                float[][] warm = runKernel(t);
                if (i % 500 == 499) {
                    for (int j = 0; j < cold.length; j++) {
                        assertArrayEquals(cold[j], warm[j], "result " + j + " after " + (i + 1) + " calls");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void rejectsBadArguments() {
        float[] a = new float[2 * 3 * 4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionKernel.forward(a, a, new float[5], null, 2, 3, 2, 2, null, null, a));
        assertTrue(e.getMessage().contains("v"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> AttentionKernel.forward(a, a, a, null, 2, 3, 0, 2, null, null, a));
        assertThrows(IllegalArgumentException.class,
                () -> AttentionKernel.backward(a, a, a, a, null, 2, 3, 2, 2, null, null, a, a, a));
    }
}
