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
 * LayerNormKernel against a float64 reference written here with plain loops, and the float64
 * reference's backward against central differences.
 *
 * <p>Inputs are x ~ 2 + 3·N(0,1) (an offset, so that the mean matters), γ ~ 1 + 0.5·N(0,1),
 * β ~ 0.5·N(0,1), dout ~ N(0,1). The float32 kernel sees the same float values the reference
 * sees (converted exactly to double), so the differences are the kernel's own rounding.
 */
class LayerNormKernelTest {
    /** float32 unit roundoff 2⁻²⁴. */
    private static final double EPS32 = 0x1p-24;

    // ---------------------------------------------------------------- float64 reference

    static void refForward(double[] x, int rows, int C, double[] g, double[] b, double eps,
                           double[] y, double[] mean, double[] rstd) {
        for (int r = 0; r < rows; r++) {
            double m = 0;
            for (int c = 0; c < C; c++) {
                m += x[r * C + c];
            }
            m /= C;
            double v = 0;
            for (int c = 0; c < C; c++) {
                double d = x[r * C + c] - m;
                v += d * d;
            }
            v /= C;
            double rs = 1 / Math.sqrt(v + eps);
            mean[r] = m;
            rstd[r] = rs;
            for (int c = 0; c < C; c++) {
                y[r * C + c] = (x[r * C + c] - m) * rs * g[c] + b[c];
            }
        }
    }

    /** dx overwritten, dg and db accumulated. */
    static void refBackward(double[] dy, double[] x, int rows, int C, double[] g, double[] mean, double[] rstd,
                            double[] dx, double[] dg, double[] db) {
        for (int r = 0; r < rows; r++) {
            double sg = 0;
            double sgn = 0;
            for (int c = 0; c < C; c++) {
                double n = (x[r * C + c] - mean[r]) * rstd[r];
                double gg = dy[r * C + c] * g[c];
                sg += gg;
                sgn += gg * n;
                dg[c] += dy[r * C + c] * n;
                db[c] += dy[r * C + c];
            }
            sg /= C;
            sgn /= C;
            for (int c = 0; c < C; c++) {
                double n = (x[r * C + c] - mean[r]) * rstd[r];
                dx[r * C + c] = (dy[r * C + c] * g[c] - sg - n * sgn) * rstd[r];
            }
        }
    }

    /** L = Σ y ⊙ w, in float64. */
    static double refLoss(double[] x, int rows, int C, double[] g, double[] b, double eps, double[] w) {
        double[] y = new double[rows * C];
        refForward(x, rows, C, g, b, eps, y, new double[rows], new double[rows]);
        double l = 0;
        for (int i = 0; i < y.length; i++) {
            l += y[i] * w[i];
        }
        return l;
    }

    // ---------------------------------------------------------------- helpers

    static float[] randn(Random rnd, int n, double mean, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (mean + std * rnd.nextGaussian());
        }
        return a;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
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

    private record Case(int rows, int C, float[] x, float[] gamma, float[] beta, float[] dout) {
        static Case random(long seed, int rows, int C) {
            Random rnd = new Random(seed);
            return new Case(rows, C, randn(rnd, rows * C, 2, 3), randn(rnd, C, 1, 0.5), randn(rnd, C, 0, 0.5),
                    randn(rnd, rows * C, 0, 1));
        }
    }

    // ---------------------------------------------------------------- forward

    @ParameterizedTest(name = "rows={0} C={1} eps={2}")
    @CsvSource({"1,7,1e-12", "5,13,1e-12", "9,16,1e-5", "3,64,1e-12", "4,33,1e-5", "6,768,1e-12", "2,1,1e-5"})
    void forwardMatchesFloat64Reference(int rows, int C, float eps) {
        Case t = Case.random(11L * rows + C, rows, C);
        float[] y = new float[rows * C];
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        LayerNormKernel.forward(t.x, rows, C, t.gamma, t.beta, eps, y, mean, rstd);

        double[] ry = new double[rows * C];
        double[] rm = new double[rows];
        double[] rr = new double[rows];
        refForward(toDouble(t.x), rows, C, toDouble(t.gamma), toDouble(t.beta), eps, ry, rm, rr);

        // mean: the kernel sums the row in L lane-wise partial sums (L ≥ 8 floats per vector),
        // then reduces the lanes: a recursive sum of ≤ C/L + log2(L) + 1 steps, whose error is at
        // most that many ε times Σ|x|; dividing by C adds one more rounding. So per row
        // (C/8 + 5)·ε·mean|x| + ε·|mean| is a worst-case bound (C = 768: ~1e-5); measured ≤ 5e-7.
        for (int r = 0; r < rows; r++) {
            double meanAbs = 0;
            for (int c = 0; c < C; c++) {
                meanAbs += Math.abs(t.x[r * C + c]);
            }
            meanAbs /= C;
            assertEquals(rm[r], mean[r], (C / 8.0 + 5) * EPS32 * meanAbs + EPS32 * Math.abs(rm[r]), "mean row " + r);
        }
        // rstd: relative error of the variance ~ a few ε (two-pass, lane-wise partial sums), halved by
        // the square root, then one rounding of 1/√ computed in double. Measured ≤ 2.3ε; 16ε is
        // generous and still catches a biased/unbiased mix-up (a factor C/(C−1)) for any C ≤ 10⁶.
        for (int r = 0; r < rows; r++) {
            assertEquals(rr[r], rstd[r], 16 * EPS32 * rr[r], "rstd row " + r);
        }
        // y = n·γ + β with n = (x − mean)·rstd: the error of n is about |n|·(rel. error of rstd) +
        // rstd·|error of mean|, ≤ ~1e-6 for |n| ≤ 4σ; γ ≤ ~3 multiplies it. abs 1e-6·(1 + |y|)
        // covers that with room (measured ≤ 3e-7 relative on these shapes).
        for (int i = 0; i < ry.length; i++) {
            assertEquals(ry[i], y[i], 1e-6 * (1 + Math.abs(ry[i])), "y[" + i + "]");
        }
    }

    @Test
    void constantRowGivesBeta() {
        // var = 0: rstd = 1/√eps is large but finite. With a constant whose float sum is exact
        // (1.5 × 20) the mean is exact, x − mean = 0 exactly and y = β exactly. (For a value like
        // 0.3f the float mean is off by an ulp, and that ulp times 1/√eps shows in y — in PyTorch too.)
        int C = 20;
        float[] x = new float[2 * C];
        java.util.Arrays.fill(x, 1.5f);
        Case t = Case.random(5, 2, C);
        float[] y = new float[2 * C];
        float[] rstd = new float[2];
        LayerNormKernel.forward(x, 2, C, t.gamma, t.beta, 1e-5f, y, null, rstd);
        for (int i = 0; i < 2 * C; i++) {
            assertEquals(t.beta[i % C], y[i], 0f);
        }
        // rstd is computed in double and rounded once: within one float ulp of 1/√eps
        assertEquals(1 / Math.sqrt(1e-5f), rstd[0], Math.ulp(rstd[0]));
    }

    @Test
    void inferenceWithoutStatsEqualsTraining() {
        Case t = Case.random(3, 7, 50);
        float[] y1 = new float[7 * 50];
        float[] y2 = new float[7 * 50];
        LayerNormKernel.forward(t.x, 7, 50, t.gamma, t.beta, 1e-12f, y1, new float[7], new float[7]);
        LayerNormKernel.forward(t.x, 7, 50, t.gamma, t.beta, 1e-12f, y2, null, null);
        assertArrayEquals(y1, y2);
        // in place (out == x) gives the same values too
        float[] xx = t.x.clone();
        LayerNormKernel.forward(xx, 7, 50, t.gamma, t.beta, 1e-12f, xx, null, null);
        assertArrayEquals(y1, xx);
    }

    // ---------------------------------------------------------------- backward

    @ParameterizedTest(name = "rows={0} C={1}")
    @CsvSource({"1,7", "3,13", "5,16", "2,33", "4,1"})
    void float64BackwardMatchesCentralDifferences(int rows, int C) {
        Case t = Case.random(7L * rows + C, rows, C);
        double eps = 1e-5;
        double[] x = toDouble(t.x);
        double[] g = toDouble(t.gamma);
        double[] b = toDouble(t.beta);
        double[] w = toDouble(t.dout);
        double[] mean = new double[rows];
        double[] rstd = new double[rows];
        refForward(x, rows, C, g, b, eps, new double[rows * C], mean, rstd);
        double[] dx = new double[rows * C];
        double[] dg = new double[C];
        double[] db = new double[C];
        refBackward(w, x, rows, C, g, mean, rstd, dx, dg, db);

        // Central differences with h = 1e-5 on inputs of size ~1..10: truncation error h²/6·|L'''|
        // is ~1e-10·O(10); rounding error is ~ε64·Σ|y·w|/h ≈ 1e-16·(rows·C·5)/1e-5 ≤ 1e-8 here.
        // abs 1e-7 + rel 1e-6 is well above both and far below any real bug (O(1e-1)).
        double h = 1e-5;
        for (int i = 0; i < x.length; i++) {
            double fd = centralDiff(x, i, h, () -> refLoss(x, rows, C, g, b, eps, w));
            assertEquals(fd, dx[i], 1e-7 + 1e-6 * Math.abs(fd), "dx[" + i + "]");
        }
        for (int c = 0; c < C; c++) {
            double fdg = centralDiff(g, c, h, () -> refLoss(x, rows, C, g, b, eps, w));
            assertEquals(fdg, dg[c], 1e-7 + 1e-6 * Math.abs(fdg), "dgamma[" + c + "]");
            double fdb = centralDiff(b, c, h, () -> refLoss(x, rows, C, g, b, eps, w));
            assertEquals(fdb, db[c], 1e-7 + 1e-6 * Math.abs(fdb), "dbeta[" + c + "]");
        }
    }

    static double centralDiff(double[] p, int i, double h, java.util.function.DoubleSupplier loss) {
        double old = p[i];
        p[i] = old + h;
        double lp = loss.getAsDouble();
        p[i] = old - h;
        double lm = loss.getAsDouble();
        p[i] = old;
        return (lp - lm) / (2 * h);
    }

    @ParameterizedTest(name = "rows={0} C={1}")
    @CsvSource({"1,7", "3,13", "9,16", "5,64", "70,33", "40,768", "2,1"})
    void float32BackwardMatchesFloat64Backward(int rows, int C) {
        Case t = Case.random(13L * rows + C, rows, C);
        float eps = 1e-12f;
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        LayerNormKernel.forward(t.x, rows, C, t.gamma, t.beta, eps, new float[rows * C], mean, rstd);
        float[] dx = new float[rows * C];
        java.util.Arrays.fill(dx, Float.NaN); // overwritten, never read
        float[] dg = new float[C];
        float[] db = new float[C];
        java.util.Arrays.fill(dg, 0.25f);     // accumulated into
        java.util.Arrays.fill(db, -0.5f);
        LayerNormKernel.backward(t.dout, t.x, rows, C, t.gamma, mean, rstd, dx, dg, db);

        double[] rm = new double[rows];
        double[] rr = new double[rows];
        double[] x = toDouble(t.x);
        double[] g = toDouble(t.gamma);
        refForward(x, rows, C, g, toDouble(t.beta), eps, new double[rows * C], rm, rr);
        double[] rdx = new double[rows * C];
        double[] rdg = new double[C];
        double[] rdb = new double[C];
        java.util.Arrays.fill(rdg, 0.25);
        java.util.Arrays.fill(rdb, -0.5);
        refBackward(toDouble(t.dout), x, rows, C, g, rm, rr, rdx, rdg, rdb);

        // dx = (g − mean(g) − n·mean(g·n))·rstd: terms of size ≤ ~|dout|·|γ| ≈ 10, each carrying a
        // few ε of relative error plus the row means' C·ε-ish sum error; relative to the tensor's
        // largest value this is ≲ 1e-6. Allow 1e-5·max|dx| (measured ≤ 1.7e-7).
        double tol = 1e-5 * maxAbs(rdx);
        assertTrue(maxDiff(dx, rdx) <= tol, "dx max diff " + maxDiff(dx, rdx) + " > " + tol);
        // dγ, dβ: sums over rows of O(10) terms, float error ~ rows·ε·Σ|terms|; 1e-5·(1 + max) with
        // rows ≤ 70 is a >10× margin (measured ≤ 3e-7 relative).
        double tg = 1e-5 * (1 + maxAbs(rdg));
        assertTrue(maxDiff(dg, rdg) <= tg, "dgamma max diff " + maxDiff(dg, rdg) + " > " + tg);
        double tb = 1e-5 * (1 + maxAbs(rdb));
        assertTrue(maxDiff(db, rdb) <= tb, "dbeta max diff " + maxDiff(db, rdb) + " > " + tb);
    }

    @Test
    void dxMayAliasDout() {
        Case t = Case.random(21, 6, 40);
        float[] mean = new float[6];
        float[] rstd = new float[6];
        LayerNormKernel.forward(t.x, 6, 40, t.gamma, t.beta, 1e-12f, new float[240], mean, rstd);
        float[] dx = new float[240];
        float[] dg1 = new float[40];
        float[] db1 = new float[40];
        LayerNormKernel.backward(t.dout, t.x, 6, 40, t.gamma, mean, rstd, dx, dg1, db1);
        float[] d = t.dout.clone();
        float[] dg2 = new float[40];
        float[] db2 = new float[40];
        LayerNormKernel.backward(d, t.x, 6, 40, t.gamma, mean, rstd, d, dg2, db2);
        assertArrayEquals(dx, d);
        assertArrayEquals(dg1, dg2);
        assertArrayEquals(db1, db2);
    }

    @Test
    void multithreadedEqualsSingleThreaded() {
        // big enough that both passes really split (≥ 2 chunks of ≥ 16k elements)
        int rows = 1500;
        int C = 77;
        Case t = Case.random(99, rows, C);
        float[][] one = runAll(t, 1);
        float[][] two = runAll(t, 2);
        float[][] three = runAll(t, 3);
        for (int i = 0; i < one.length; i++) {
            // bitwise: rows are independent, and dγ/dβ are reduced over fixed slabs in a fixed order
            assertArrayEquals(one[i], two[i], "output " + i);
            assertArrayEquals(one[i], three[i], "output " + i);
        }
    }

    private static float[][] runAll(Case t, int threads) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            int n = t.rows * t.C;
            float[] y = new float[n];
            float[] mean = new float[t.rows];
            float[] rstd = new float[t.rows];
            LayerNormKernel.forward(t.x, t.rows, t.C, t.gamma, t.beta, 1e-12f, y, mean, rstd);
            float[] dx = new float[n];
            float[] dg = new float[t.C];
            float[] db = new float[t.C];
            LayerNormKernel.backward(t.dout, t.x, t.rows, t.C, t.gamma, mean, rstd, dx, dg, db);
            return new float[][] {y, mean, rstd, dx, dg, db};
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void sameBitsColdAndWarm() {
        // The first call runs in the interpreter, later ones in JIT-compiled code. The kernels avoid
        // reduceLanes(ADD), whose rounding order may differ between the two, so the bits must not
        // change as the JVM warms up (this once failed by 1 ulp with reduceLanes).
        Case t = Case.random(42, 40, 100);
        float[][] cold = runAll(t, 1);
        for (int i = 0; i < 3000; i++) {
            float[][] warm = runAll(t, 1);
            if (i % 500 == 499) {
                for (int j = 0; j < cold.length; j++) {
                    assertArrayEquals(cold[j], warm[j], "output " + j + " after " + (i + 1) + " calls");
                }
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        float[] x = new float[12];
        float[] g = new float[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerNormKernel.forward(x, 3, 4, g, new float[3], 1e-5f, new float[12], null, null));
        assertTrue(e.getMessage().contains("beta"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LayerNormKernel.forward(x, 3, 0, g, g, 1e-5f, new float[12], null, null));
        assertThrows(IllegalArgumentException.class,
                () -> LayerNormKernel.backward(x, x, 3, 4, g, null, new float[3], new float[12], g, g));
    }
}
