package dev.jbert.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The building blocks under the attention and layernorm kernels ({@link VectorOps}). */
class AttentionKernelVectorOpsTest {
    private static final int L = VectorOps.L;

    @Test
    void expIsWithinTwoUlpsAndHandlesTheEdges() {
        float[] xs = new float[200_003];
        Random rnd = new Random(1);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i < 100_000 ? -87f + 175f * i / 100_000f : (float) (rnd.nextDouble() * 40 - 30);
        }
        float[] ys = new float[L];
        double worst = 0;
        for (int i = 0; i + L <= xs.length; i += L) {
            VectorOps.exp(FloatVector.fromArray(VectorOps.F, xs, i)).intoArray(ys, 0);
            for (int j = 0; j < L; j++) {
                double want = Math.exp(xs[i + j]);
                double ulps = Math.abs(ys[j] - want) / Math.ulp((float) want);
                worst = Math.max(worst, ulps);
            }
        }
        // Cody–Waite reduction and Cephes' degree-7 expf polynomial: ≤ ~1.5 ulp in theory, plus the
        // rounding of the final scaling; 2 ulp is the documented contract.
        assertTrue(worst <= 2.0, "worst error " + worst + " ulp");

        float[] edge = new float[L];
        java.util.Arrays.fill(edge, 0f);
        edge[0] = Float.NEGATIVE_INFINITY;                   // masked score: exactly 0
        edge[1 % L] = -100f;                                 // below −87: flushed to 0
        float[] out = new float[L];
        VectorOps.exp(FloatVector.fromArray(VectorOps.F, edge, 0)).intoArray(out, 0);
        assertEquals(0, Float.floatToRawIntBits(out[0]));
        if (L > 2) {
            assertEquals(0, Float.floatToRawIntBits(out[1]));
            assertEquals(1f, out[2], 0f);                    // e⁰ = 1 exactly
        }
    }

    @Test
    void doubleExpIsAccurateAndEqualsItsScalarTwin() {
        jdk.incubator.vector.VectorSpecies<Double> ds = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;
        int dl = ds.length();
        double[] xs = new double[400_000];
        Random rnd = new Random(2);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i < 200_000 ? -706.0 + 1415.0 * i / 200_000 : rnd.nextGaussian() * 10;
        }
        double[] ys = new double[dl];
        double worst = 0;
        for (int i = 0; i + dl <= xs.length; i += dl) {
            VectorOps.exp(jdk.incubator.vector.DoubleVector.fromArray(ds, xs, i)).intoArray(ys, 0);
            for (int j = 0; j < dl; j++) {
                double want = StrictMath.exp(xs[i + j]);
                worst = Math.max(worst, Math.abs(ys[j] - want) / want);
                assertEquals(Double.doubleToRawLongBits(ys[j]), Double.doubleToRawLongBits(VectorOps.exp(xs[i + j])),
                        "vector and scalar exp differ at " + xs[i + j]);
            }
        }
        assertTrue(worst <= 3e-13, "worst relative error " + worst);
        assertEquals(0.0, VectorOps.exp(-800.0), 0.0);
        assertEquals(0.0, VectorOps.exp(Double.NEGATIVE_INFINITY), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, VectorOps.exp(710.0), 0.0);
        assertTrue(Double.isNaN(VectorOps.exp(Double.NaN)));
        assertEquals(1.0, VectorOps.exp(0.0), 0.0);
        double[] edge = new double[dl];
        edge[0] = Double.NaN;
        if (dl > 1) {
            edge[1] = Double.NEGATIVE_INFINITY;
        }
        VectorOps.exp(jdk.incubator.vector.DoubleVector.fromArray(ds, edge, 0)).intoArray(ys, 0);
        assertTrue(Double.isNaN(ys[0]));
        if (dl > 1) {
            assertEquals(0.0, ys[1], 0.0);
        }
    }

    @Test
    void sumLanesIsAFixedTree() {
        float[] a = new float[L];
        for (int i = 0; i < L; i++) {
            a[i] = 1f + i * 0.1f;
        }
        // the same pairwise order, in scalar code: lane i + L/2 onto lane i, then + L/4, ...
        float[] t = a.clone();
        for (int s = L / 2; s >= 1; s /= 2) {
            for (int i = 0; i < s; i++) {
                t[i] += t[i + s];
            }
        }
        assertEquals(t[0], VectorOps.sumLanes(FloatVector.fromArray(VectorOps.F, a, 0)), 0f);
    }

    // n covers, for 16 lanes (8 on AVX2): whole 4-vector blocks (64, 128), a partial 4-vector tail
    // (33, 35, 50, 100, 120), a partial 2-vector tail (20, 24), a single masked vector (1, 7);
    // m covers 4-row blocks and leftover rows
    @ParameterizedTest(name = "m={0} n={1} k={2} transposedA={3} accumulate={4}")
    @CsvSource({
        "1,1,1,false,false", "4,64,16,false,false", "5,7,3,true,false", "9,33,20,false,true",
        "3,100,64,true,true", "8,128,64,false,false", "13,35,128,true,false",
        "6,20,9,false,true", "4,24,5,true,false", "5,50,11,false,false", "4,120,64,false,false",
        "7,56,16,true,true",
    })
    void matmulMatchesNaiveLoops(int m, int n, int k, boolean transposedA, boolean accumulate) {
        Random rnd = new Random(m * 1000L + n * 10L + k);
        int lda = k + 3;                               // padded rows, like a head slice of [T, C]
        int ldb = n + 5;
        int ldc = n + 2;
        float[] a = rand(rnd, 2 + (transposedA ? k * (m + 3) : m * lda));
        float[] b = rand(rnd, 1 + k * ldb);
        float[] c = rand(rnd, 3 + m * ldc);
        float[] c0 = c.clone();
        int aRs = transposedA ? 1 : lda;
        int aCs = transposedA ? m + 3 : 1;
        VectorOps.matmul(m, n, k, a, 2, aRs, aCs, b, 1, ldb, c, 3, ldc, accumulate);
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < ldc; j++) {
                int idx = 3 + r * ldc + j;
                if (j >= n) {
                    assertEquals(c0[idx], c[idx], 0f, "padding column touched at r=" + r + " j=" + j);
                    continue;
                }
                double s = accumulate ? c0[idx] : 0;
                double abs = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    double term = (double) a[2 + r * aRs + p * aCs] * b[1 + p * ldb + j];
                    s += term;
                    abs += Math.abs(term);
                }
                // k float FMAs in sequence: error ≤ (k + 1)·ε·Σ|terms| (ε = 2⁻²⁴)
                assertEquals(s, c[idx], (k + 1) * 0x1p-24 * abs + 1e-30, "r=" + r + " j=" + j);
            }
        }
    }

    @Test
    void transposeMovesEveryElement() {
        int rows = 19;
        int cols = 37;
        int lds = 45;
        float[] src = rand(new Random(3), rows * lds);
        float[] dst = new float[cols * rows];
        VectorOps.transpose(src, 0, rows, cols, lds, dst, 0, rows);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                assertEquals(src[r * lds + c], dst[c * rows + r], 0f);
            }
        }
    }

    private static float[] rand(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
