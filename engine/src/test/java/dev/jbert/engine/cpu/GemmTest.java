package dev.jbert.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Gemm} against a naive double-precision reference. */
class GemmTest {
    private static final int[] SIZES = {1, 3, 7, 17, 63, 65, 129};
    private static final double TOL = 1e-6;

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** A matrix of rows×cols at offset off with leading dimension ld, padding filled with NaN. */
    private record Mat(float[] data, int off, int ld, int rows, int cols) {
        static Mat random(SplittableRandom rnd, int rows, int cols, int off, int pad) {
            int ld = cols + pad;
            float[] d = new float[off + Math.max(0, rows - 1) * ld + cols + 5];
            Arrays.fill(d, Float.NaN);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    d[off + r * ld + c] = (float) (rnd.nextDouble() * 2 - 1);
                }
            }
            return new Mat(d, off, ld, rows, cols);
        }

        float get(int r, int c) {
            return data[off + r * ld + c];
        }
    }

    /** alpha·op(A)·op(B) + beta·C in double. */
    private static double[] reference(boolean ta, boolean tb, int m, int n, int k, float alpha, Mat a, Mat b,
                                      float beta, Mat c) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a.get(p, i) : a.get(i, p);
                    double y = tb ? b.get(j, p) : b.get(p, j);
                    s += x * y;
                }
                double v = alpha * s;
                if (beta != 0f) {
                    v += beta * (double) c.get(i, j);
                }
                out[i * n + j] = v;
            }
        }
        return out;
    }

    /** ‖C − ref‖ / ‖ref‖ over the m×n window of C; and the padding of C is untouched. */
    private static double relError(Mat c, float[] before, double[] ref, int m, int n) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double d = c.get(i, j) - ref[i * n + j];
                num += d * d;
                den += ref[i * n + j] * ref[i * n + j];
            }
        }
        for (int x = 0; x < before.length; x++) {
            int rel = x - c.off();
            boolean inside = rel >= 0 && rel / c.ld() < m && rel % c.ld() < n;
            if (!inside) {
                assertTrue(Float.floatToRawIntBits(before[x]) == Float.floatToRawIntBits(c.data()[x]),
                        "C written outside its window at " + x);
            }
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    private static void check(SplittableRandom rnd, boolean ta, boolean tb, int m, int n, int k,
                              float alpha, float beta, boolean nanC) {
        int offA = rnd.nextInt(4);
        int offB = rnd.nextInt(4);
        int offC = rnd.nextInt(4);
        Mat a = ta ? Mat.random(rnd, k, m, offA, rnd.nextInt(3)) : Mat.random(rnd, m, k, offA, rnd.nextInt(3));
        Mat b = tb ? Mat.random(rnd, n, k, offB, rnd.nextInt(3)) : Mat.random(rnd, k, n, offB, rnd.nextInt(3));
        Mat c = Mat.random(rnd, m, n, offC, 1 + rnd.nextInt(3));
        if (nanC) {
            Arrays.fill(c.data(), Float.NaN);
        }
        double[] ref = reference(ta, tb, m, n, k, alpha, a, b, beta, c);
        float[] before = c.data().clone();
        Gemm.sgemm(ta, tb, m, n, k, alpha, a.data(), a.off(), a.ld(), b.data(), b.off(), b.ld(),
                beta, c.data(), c.off(), c.ld());
        double err = relError(c, before, ref, m, n);
        String what = "transA=" + ta + " transB=" + tb + " m=" + m + " n=" + n + " k=" + k
                + " alpha=" + alpha + " beta=" + beta + (nanC ? " (NaN C)" : "");
        assertTrue(err < TOL, what + ": relative error " + err);
    }

    @Test
    void allTransposesOddSizes() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int m : SIZES) {
                    for (int n : SIZES) {
                        int k = SIZES[rnd.nextInt(SIZES.length)];
                        check(rnd, ta, tb, m, n, k, 1f, 0f, true);
                    }
                }
            }
        }
    }

    @Test
    void alphaBetaVariants() {
        SplittableRandom rnd = new SplittableRandom(2);
        float[][] ab = {{1f, 0f}, {1f, 1f}, {-0.5f, 0f}, {2f, -1.5f}, {0.25f, 1f}, {1f, 0.5f}};
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (float[] v : ab) {
                    check(rnd, ta, tb, 37, 70, 45, v[0], v[1], false);
                    check(rnd, ta, tb, 8, 32, 5, v[0], v[1], false);
                }
            }
        }
    }

    @Test
    void betaZeroNeverReadsC() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int[] s : new int[][] {{64, 64, 64}, {65, 33, 17}, {8, 32, 1}, {1, 1, 1}, {129, 65, 1000}}) {
            check(rnd, false, true, s[0], s[1], s[2], 1f, 0f, true);
            check(rnd, true, false, s[0], s[1], s[2], 0.5f, 0f, true);
        }
    }

    @Test
    void deepKSpansSeveralPanels() {
        SplittableRandom rnd = new SplittableRandom(4);
        int k = 2 * Gemm.KC + 37;
        check(rnd, false, false, 33, 47, k, 1f, 0f, true);
        check(rnd, false, true, 33, 47, k, 0.75f, 1.25f, false);
        check(rnd, true, true, 9, 64, k, 1f, 1f, false);
    }

    @Test
    void zeroSizesAndZeroK() {
        float[] c = {1, 2, 3, 4, 5, 6};
        // m = 0 or n = 0: nothing happens
        Gemm.sgemm(false, false, 0, 3, 4, 1f, new float[0], 0, 4, new float[12], 0, 3, 0f, c, 0, 3);
        Gemm.sgemm(false, false, 2, 0, 4, 1f, new float[8], 0, 4, new float[0], 0, 1, 0f, c, 0, 3);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c);
        // k = 0: C = beta·C, A and B not read
        Gemm.sgemm(false, false, 2, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 2f, c, 0, 3);
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, c);
        float[] nan = {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Gemm.sgemm(false, false, 2, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 0f, nan, 0, 3);
        assertArrayEquals(new float[6], nan);
        // alpha = 0: A and B (NaN here) are not read
        float[] a = new float[8];
        Arrays.fill(a, Float.NaN);
        Gemm.sgemm(false, false, 2, 3, 4, 0f, a, 0, 4, new float[12], 0, 3, 0.5f, c, 0, 3);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c);
    }

    @Test
    void tinyExactValues() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        float[] c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c);
        Gemm.sgemm(true, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2); // Aᵀ·B
        assertArrayEquals(new float[] {26, 30, 38, 44}, c);
        Gemm.sgemm(false, true, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2); // A·Bᵀ
        assertArrayEquals(new float[] {17, 23, 39, 53}, c);
        Gemm.sgemm(true, true, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 1f, c, 0, 2); // Aᵀ·Bᵀ + C
        assertArrayEquals(new float[] {17 + 23, 23 + 31, 39 + 34, 53 + 46}, c);
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        float[] a = new float[6];
        float[] c = new float[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 2, a, 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("leading dimension of A"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, a, 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().startsWith("A [2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 2, 3, 1f, a, 0, 3, a, 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("m=-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.linear(a, 0, 2, 3, a, new float[1], Activation.NONE, c, 0, 2));
        assertTrue(e.getMessage().startsWith("bias"), e.getMessage());
    }

    // ---------------------------------------------------------------- linear

    private static void checkLinear(SplittableRandom rnd, int m, int k, int n, boolean withBias, Activation act,
                                    boolean withPreact) {
        int xOff = rnd.nextInt(3);
        int outOff = rnd.nextInt(3);
        float[] x = new float[xOff + m * k];
        float[] w = new float[n * k];
        float[] bias = withBias ? new float[n] : null;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rnd.nextDouble() * 2 - 1) / Math.sqrt(Math.max(1, k)) * 2);
        }
        if (bias != null) {
            for (int i = 0; i < n; i++) {
                bias[i] = (float) (rnd.nextDouble() - 0.5);
            }
        }
        float[] out = new float[outOff + m * n + 2];
        Arrays.fill(out, Float.NaN);
        float[] pre = withPreact ? new float[m * n] : null;
        if (pre != null) {
            Arrays.fill(pre, Float.NaN);
        }
        Gemm.linear(x, xOff, m, k, w, bias, act, pre, 0, out, outOff, n);

        double num = 0;
        double den = 0;
        double preNum = 0;
        double preDen = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias == null ? 0 : bias[j];
                for (int p = 0; p < k; p++) {
                    s += (double) x[xOff + i * k + p] * w[j * k + p];
                }
                double y = act.apply((float) s);
                double got = out[outOff + i * n + j];
                num += (got - y) * (got - y);
                den += y * y;
                if (pre != null) {
                    preNum += (pre[i * n + j] - s) * (pre[i * n + j] - s);
                    preDen += s * s;
                }
            }
        }
        String what = act + " m=" + m + " k=" + k + " n=" + n + " bias=" + withBias + " preact=" + withPreact;
        double err = den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
        assertTrue(err < 2 * TOL, what + ": relative error " + err);
        if (pre != null) {
            double perr = preDen == 0 ? Math.sqrt(preNum) : Math.sqrt(preNum / preDen);
            assertTrue(perr < TOL, what + ": pre-activation relative error " + perr);
        }
        assertTrue(Float.isNaN(out[outOff + m * n]) && (outOff == 0 || Float.isNaN(out[outOff - 1])),
                what + ": wrote outside out");
    }

    @Test
    void linearEveryActivationWithAndWithoutBias() {
        SplittableRandom rnd = new SplittableRandom(5);
        // {m, k, n}; the last one spans two K panels (bias and activation on the last one only)
        int[][] shapes = {{1, 1, 1}, {3, 7, 17}, {17, 63, 65}, {65, 129, 63}, {8, 64, 32}, {33, 1600, 40},
            {9, Gemm.KC + 50, 40}};
        for (Activation act : Activation.values()) {
            for (int[] s : shapes) {
                for (boolean withBias : new boolean[] {false, true}) {
                    checkLinear(rnd, s[0], s[1], s[2], withBias, act, false);
                    checkLinear(rnd, s[0], s[1], s[2], withBias, act, true);
                }
            }
        }
    }

    @Test
    void linearWithZeroKIsTheActivatedBias() {
        float[] bias = {-1f, 0f, 2f};
        float[] out = new float[6];
        float[] pre = new float[6];
        Arrays.fill(out, Float.NaN);
        Gemm.linear(new float[0], 0, 2, 0, new float[0], bias, Activation.RELU, pre, 0, out, 0, 3);
        assertArrayEquals(new float[] {0, 0, 2, 0, 0, 2}, out);
        assertArrayEquals(new float[] {-1, 0, 2, -1, 0, 2}, pre);
    }

    @Test
    void linearWithWeightAndBiasSlices() {
        // rows 2..4 of a [5, 4] weight, bias from offset 2: the same as a standalone copy
        SplittableRandom rnd = new SplittableRandom(6);
        float[] x = new float[3 * 4];
        float[] w = new float[5 * 4];
        float[] bias = new float[5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextDouble();
        }
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (float) rnd.nextDouble();
        }
        float[] got = new float[9];
        Gemm.linear(x, 0, 3, 4, w, 8, bias, 2, Activation.GELU, null, 0, got, 0, 3);
        float[] want = new float[9];
        Gemm.linear(x, 0, 3, 4, Arrays.copyOfRange(w, 8, 20), Arrays.copyOfRange(bias, 2, 5), Activation.GELU,
                want, 0, 3);
        assertArrayEquals(want, got);
    }

    // ---------------------------------------------------------------- threads

    private static float[] randomArray(SplittableRandom rnd, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static float[] run(int threads, boolean ta, boolean tb, int m, int n, int k, float[] a, float[] b,
                               float[] c0, float beta) {
        Parallel.setThreads(threads);
        float[] c = c0.clone();
        Gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c, 0, n);
        return c;
    }

    @Test
    void multiThreadedEqualsSingleThreaded() {
        SplittableRandom rnd = new SplittableRandom(7);
        // {m, n, k}: M split (many rows), N split (few rows, many columns), several K panels
        int[][] shapes = {{300, 200, 70}, {5, 1000, 300}, {130, 97, Gemm.KC + 100}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            assertTrue((long) m * n * k >= Gemm.PARALLEL_MIN_MNK, "shape too small to run in parallel");
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = randomArray(rnd, m * k);
                    float[] b = randomArray(rnd, k * n);
                    float[] c = randomArray(rnd, m * n);
                    float[] one = run(1, ta, tb, m, n, k, a, b, c, 0.5f);
                    float[] two = run(2, ta, tb, m, n, k, a, b, c, 0.5f);
                    float[] three = run(3, ta, tb, m, n, k, a, b, c, 0.5f);
                    // the same tiles see the same packed data in the same order: bitwise equal
                    assertArrayEquals(one, two, "2 threads, m=" + m + " n=" + n + " k=" + k);
                    assertArrayEquals(one, three, "3 threads, m=" + m + " n=" + n + " k=" + k);
                }
            }
        }
    }

    @Test
    void callsFromWorkersRunInlineAndAgree() {
        Parallel.setThreads(2);
        SplittableRandom rnd = new SplittableRandom(8);
        int heads = 6;
        int t = 37;
        int d = 64;
        float[] q = randomArray(rnd, heads * t * d);
        float[] kk = randomArray(rnd, heads * t * d);
        float[] scores = new float[heads * t * t];
        Parallel.forRange(heads, 1, (h0, h1, chunk) -> {
            assertTrue(Parallel.inWorker());
            for (int h = h0; h < h1; h++) {
                Gemm.sgemm(false, true, t, t, d, 0.125f, q, h * t * d, d, kk, h * t * d, d, 0f, scores, h * t * t, t);
            }
        });
        float[] want = new float[heads * t * t];
        for (int h = 0; h < heads; h++) {
            Gemm.sgemm(false, true, t, t, d, 0.125f, q, h * t * d, d, kk, h * t * d, d, 0f, want, h * t * t, t);
        }
        assertArrayEquals(want, scores);
        assertEquals(0.125f * dot(q, 0, kk, 0, d), scores[0], 1e-5f);
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[ao + i] * b[bo + i];
        }
        return (float) s;
    }
}
