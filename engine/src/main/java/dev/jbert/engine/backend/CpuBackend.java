package dev.jbert.engine.backend;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.cpu.AttentionKernel;
import dev.jbert.engine.cpu.Gemm;
import dev.jbert.engine.cpu.LayerNormKernel;
import dev.jbert.engine.cpu.Parallel;

/** The pure-Java reference backend: Vector API kernels on all cores. */
public final class CpuBackend implements Backend {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public void linear(float[] x, int m, int k, float[] w, float[] bias, int n, Activation act,
                       float[] preact, float[] out) {
        Gemm.linear(x, 0, m, k, w, bias, act, preact, 0, out, 0, n);
    }

    @Override
    public void linearBackward(float[] dy, float[] x, int m, int k, float[] w, int n,
                               float[] dx, boolean accumulateDx, float[] dw, float[] db) {
        if (dx != null) {
            // dx[M,K] = dy[M,N]·w[N,K]
            Gemm.sgemm(false, false, m, k, n, 1f, dy, 0, n, w, 0, k, accumulateDx ? 1f : 0f, dx, 0, k);
        }
        if (dw != null) {
            // dw[N,K] += dyᵀ[N,M]·x[M,K]
            Gemm.sgemm(true, false, n, k, m, 1f, dy, 0, n, x, 0, k, 1f, dw, 0, k);
        }
        if (db != null) {
            biasGrad(dy, m, n, db);
        }
    }

    /** db[N] += Σ_m dy[m, n], split over columns so no two threads write one element. */
    private static void biasGrad(float[] dy, int m, int n, float[] db) {
        Parallel.forRange(n, 64, (start, end, chunk) -> {
            for (int j = start; j < end; j++) {
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += dy[i * n + j];
                }
                db[j] += (float) s;
            }
        });
    }

    @Override
    public void activationBackward(Activation act, float[] preact, float[] dout, float[] dx, int n) {
        Parallel.forRange(n, 1 << 14, (start, end, chunk) ->
                Activation.backward(act, preact, start, dout, start, dx, start, end - start));
    }

    @Override
    public void activation(Activation act, float[] x, float[] out, int n) {
        Parallel.forRange(n, 1 << 14, (start, end, chunk) ->
                Activation.forward(act, x, start, out, start, end - start));
    }

    @Override
    public void layerNorm(float[] x, int rows, int c, float[] gamma, float[] beta, float eps,
                          float[] out, float[] mean, float[] rstd) {
        LayerNormKernel.forward(x, rows, c, gamma, beta, eps, out, mean, rstd);
    }

    @Override
    public void layerNormBackward(float[] dout, float[] x, int rows, int c, float[] gamma,
                                  float[] mean, float[] rstd, float[] dx, float[] dgamma, float[] dbeta) {
        LayerNormKernel.backward(dout, x, rows, c, gamma, mean, rstd, dx, dgamma, dbeta);
    }

    @Override
    public void attention(float[] q, float[] k, float[] v, float[] keyMask, int b, int t, int h, int d,
                          float[] probs, float[] dropMask, float[] out) {
        AttentionKernel.forward(q, k, v, keyMask, b, t, h, d, probs, dropMask, out);
    }

    @Override
    public void attentionBackward(float[] dout, float[] q, float[] k, float[] v, float[] keyMask,
                                  int b, int t, int h, int d, float[] probs, float[] dropMask,
                                  float[] dq, float[] dk, float[] dv) {
        AttentionKernel.backward(dout, q, k, v, keyMask, b, t, h, d, probs, dropMask, dq, dk, dv);
    }
}
