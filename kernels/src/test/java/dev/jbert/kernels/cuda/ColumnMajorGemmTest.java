package dev.jbert.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.cpu.Gemm;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The row-major → column-major mapping of the cuBLAS baseline, checked without a GPU: a plain
 * column-major BLAS GEMM (written from the BLAS definition) run with the mapped arguments on the
 * row-major arrays must give what the CPU engine's Gemm gives.
 */
class ColumnMajorGemmTest {
    private static final long X = 1;
    private static final long W = 2;
    private static final long OUT = 3;
    private static final int M = 7;
    private static final int N = 5;
    private static final int K = 9;

    private final SplittableRandom random = new SplittableRandom(11);

    @Test
    void forward() {
        float[] x = random(M * K);
        float[] w = random(N * K);
        float[] out = new float[M * N];
        columnMajorGemm(ColumnMajorGemm.linearForward(X, W, OUT, M, N, K), Map.of(X, x, W, w, OUT, out), 0f);
        float[] expected = new float[M * N];
        Gemm.linear(x, 0, M, K, w, null, Activation.NONE, expected, 0, N);
        assertClose(expected, out);
    }

    @Test
    void backwardInputOverwritesOrAccumulates() {
        float[] dy = random(M * N);
        float[] w = random(N * K);
        float[] dx = random(M * K);
        float[] expected = dx.clone();
        columnMajorGemm(ColumnMajorGemm.linearBackwardInput(X, W, OUT, M, N, K), Map.of(X, dy, W, w, OUT, dx), 1f);
        Gemm.sgemm(false, false, M, K, N, 1f, dy, 0, N, w, 0, K, 1f, expected, 0, K);
        assertClose(expected, dx);

        columnMajorGemm(ColumnMajorGemm.linearBackwardInput(X, W, OUT, M, N, K), Map.of(X, dy, W, w, OUT, dx), 0f);
        Gemm.sgemm(false, false, M, K, N, 1f, dy, 0, N, w, 0, K, 0f, expected, 0, K);
        assertClose(expected, dx);
    }

    @Test
    void backwardWeight() {
        float[] dy = random(M * N);
        float[] x = random(M * K);
        float[] dw = random(N * K);
        float[] expected = dw.clone();
        columnMajorGemm(ColumnMajorGemm.linearBackwardWeight(X, W, OUT, M, N, K), Map.of(X, dy, W, x, OUT, dw), 1f);
        Gemm.sgemm(true, false, N, K, M, 1f, dy, 0, N, x, 0, K, 1f, expected, 0, K);
        assertClose(expected, dw);
    }

    @Test
    void leadingDimensionsAreTheRowLengths() {
        ColumnMajorGemm f = ColumnMajorGemm.linearForward(X, W, OUT, M, N, K);
        assertEquals(new ColumnMajorGemm(true, false, N, M, K, W, K, X, K, OUT, N), f);
        ColumnMajorGemm bi = ColumnMajorGemm.linearBackwardInput(X, W, OUT, M, N, K);
        assertEquals(new ColumnMajorGemm(false, false, K, M, N, W, K, X, N, OUT, K), bi);
        ColumnMajorGemm bw = ColumnMajorGemm.linearBackwardWeight(X, W, OUT, M, N, K);
        assertEquals(new ColumnMajorGemm(false, true, K, N, M, W, K, X, N, OUT, K), bw);
    }

    /**
     * BLAS sgemm, column-major: C = op(A)·op(B) + beta·C with A(i, p) at a[i + p·lda] (op N) or
     * a[p + i·lda] (op T), likewise B; C(i, j) at c[i + j·ldc]. Double accumulation.
     */
    private static void columnMajorGemm(ColumnMajorGemm g, Map<Long, float[]> memory, float beta) {
        float[] a = memory.get(g.a());
        float[] b = memory.get(g.b());
        float[] c = memory.get(g.c());
        for (int j = 0; j < g.n(); j++) {
            for (int i = 0; i < g.m(); i++) {
                double sum = 0;
                for (int p = 0; p < g.k(); p++) {
                    float av = g.transA() ? a[p + i * g.lda()] : a[i + p * g.lda()];
                    float bv = g.transB() ? b[j + p * g.ldb()] : b[p + j * g.ldb()];
                    sum += (double) av * bv;
                }
                int at = i + j * g.ldc();
                c[at] = (float) (sum + beta * (double) c[at]);
            }
        }
    }

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 0.1, "non-trivial reference");
        assertTrue(err / scale < 1e-5, "relative error " + err / scale);
    }
}
