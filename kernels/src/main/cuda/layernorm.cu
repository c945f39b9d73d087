// LayerNorm over rows of length C (PyTorch semantics, as dev.jbert.engine.cpu.LayerNormKernel):
//   y = (x − mean)·rstd·γ + β, biased variance, rstd = 1/√(var + eps)
// forward keeping mean and rstd per row, backward as llm.c: with n = (x − mean)·rstd, g = dy·γ,
//   dx = (g − mean(g) − n·mean(g·n))·rstd,  dγ += Σ_rows dy·n,  dβ += Σ_rows dy.
// Rows are B·T. Mean and variance take two passes over the row (mean, then Σ(x − mean)²) like the
// CPU kernel, which avoids the cancellation of E[x²] − mean².
//
// dγ/dβ use a two-stage reduction with no atomics, so results are deterministic: stage 1 sums
// fixed slices of rows per column (layernorm_backward_params), stage 2 adds the slices in order
// (layernorm_backward_params_finish).
//
// All memory bound: forward reads x about 3 times (2 of them from L1/L2) and writes y; on an H100
// SXM (~3.35 TB/s) 16384 rows × 768 take ~30–40 µs per kernel. Not measured yet (no GPU run).

#include "common.cuh"

using namespace jb;

// layernorm_forward
//   grid: (ceil(rows/8)), block: 256 (one warp per row), shared: 0
//   out[rows,C] = LayerNorm(x[rows,C])·gamma[C] + beta[C]; mean[rows], rstd[rows] (each
//   nullable) keep the statistics for backward. out may alias x.
extern "C" __global__ void __launch_bounds__(256)
layernorm_forward(const float* x, const float* gamma, const float* beta, float* out, float* mean, float* rstd,
                  int rows, int C, float eps) {
    int row = blockIdx.x * 8 + threadIdx.x / 32, lane = threadIdx.x % 32;
    if (row >= rows) return;
    const float* xr = x + (long long)row * C;
    float s = 0.0f;
    for (int c = lane; c < C; c += 32) s += xr[c];
    const float m = __fdiv_rn(warp_sum(s), (float)C);
    float v = 0.0f;
    for (int c = lane; c < C; c += 32) {
        float d = __fsub_rn(xr[c], m);
        v = fmaf(d, d, v);
    }
    const float var = __fdiv_rn(warp_sum(v), (float)C);
    const float rs = (float)__ddiv_rn(1.0, __dsqrt_rn(__dadd_rn((double)var, (double)eps)));
    if (lane == 0) {
        if (mean != nullptr) mean[row] = m;
        if (rstd != nullptr) rstd[row] = rs;
    }
    float* yr = out + (long long)row * C;
    for (int c = lane; c < C; c += 32) {
        float n = __fmul_rn(__fsub_rn(xr[c], m), rs);
        yr[c] = fmaf(n, gamma[c], beta[c]);
    }
}
JB_EMU_KERNEL(layernorm_forward)

// layernorm_backward_input
//   grid: (ceil(rows/8)), block: 256 (one warp per row), shared: 0
//   dx[rows,C] = (g − mean(g) − n·mean(g·n))·rstd with g = dout·gamma, n = (x − mean)·rstd
//   (overwritten; may alias dout). Parameter gradients: layernorm_backward_params, which also
//   reads dout: when dx aliases dout, launch layernorm_backward_params first.
extern "C" __global__ void __launch_bounds__(256)
layernorm_backward_input(const float* dout, const float* x, const float* gamma, const float* mean,
                         const float* rstd, float* dx, int rows, int C) {
    int row = blockIdx.x * 8 + threadIdx.x / 32, lane = threadIdx.x % 32;
    if (row >= rows) return;
    const long long off = (long long)row * C;
    const float m = mean[row], rs = rstd[row];
    float sg = 0.0f, sgn = 0.0f;
    for (int c = lane; c < C; c += 32) {
        float n = __fmul_rn(__fsub_rn(x[off + c], m), rs);
        float g = __fmul_rn(dout[off + c], gamma[c]);
        sg += g;
        sgn = fmaf(g, n, sgn);
    }
    const float meanG = __fdiv_rn(warp_sum(sg), (float)C);
    const float meanGN = __fdiv_rn(warp_sum(sgn), (float)C);
    for (int c = lane; c < C; c += 32) {
        float n = __fmul_rn(__fsub_rn(x[off + c], m), rs);
        float g = __fmul_rn(dout[off + c], gamma[c]);
        dx[off + c] = __fmul_rn(__fsub_rn(__fsub_rn(g, meanG), __fmul_rn(n, meanGN)), rs);
    }
}
JB_EMU_KERNEL(layernorm_backward_input)

// layernorm_backward_params (stage 1)
//   grid: (ceil(C/32), slabs), block: (32, 8), shared: 2,048 B static
//   For the rows of slab s = blockIdx.y (range [rows·s/slabs, rows·(s+1)/slabs)) and column c:
//   Σ dout·n and Σ dout, each thread over every 8th row, the 8 partials added in a fixed order.
//   slabs == 1: added straight into dgamma[C], dbeta[C] (partial may be null);
//   slabs > 1: written to partial[slabs][2][C] (dγ part, then dβ part), and
//   layernorm_backward_params_finish must follow. Use slabs ≈ 2·132·8/ceil(C/32), ≤ rows.
extern "C" __global__ void __launch_bounds__(256)
layernorm_backward_params(const float* dout, const float* x, const float* mean, const float* rstd, float* dgamma,
                          float* dbeta, float* partial, int rows, int C) {
    __shared__ float sG[8][32], sB[8][32];
    int c = blockIdx.x * 32 + threadIdx.x;
    int slabs = gridDim.y, s = blockIdx.y;
    int r0 = (int)((long long)rows * s / slabs), r1 = (int)((long long)rows * (s + 1) / slabs);
    float accG = 0.0f, accB = 0.0f;
    if (c < C) {
        for (int r = r0 + threadIdx.y; r < r1; r += 8) {
            long long o = (long long)r * C + c;
            float d = dout[o];
            float n = __fmul_rn(__fsub_rn(x[o], mean[r]), rstd[r]);
            accG = fmaf(d, n, accG);
            accB += d;
        }
    }
    sG[threadIdx.y][threadIdx.x] = accG;
    sB[threadIdx.y][threadIdx.x] = accB;
    __syncthreads();
    if (threadIdx.y == 0 && c < C) {
        float g = sG[0][threadIdx.x], b = sB[0][threadIdx.x];
#pragma unroll
        for (int q = 1; q < 8; q++) {
            g += sG[q][threadIdx.x];
            b += sB[q][threadIdx.x];
        }
        if (slabs == 1) {
            dgamma[c] += g;
            dbeta[c] += b;
        } else {
            partial[(long long)s * 2 * C + c] = g;
            partial[(long long)s * 2 * C + C + c] = b;
        }
    }
}
JB_EMU_KERNEL(layernorm_backward_params)

// layernorm_backward_params_finish (stage 2)
//   grid: (ceil(C/256)), block: 256, shared: 0
//   dgamma[c] += Σ_s partial[s][0][c], dbeta[c] += Σ_s partial[s][1][c], s in increasing order.
extern "C" __global__ void __launch_bounds__(256)
layernorm_backward_params_finish(const float* partial, float* dgamma, float* dbeta, int slabs, int C) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= C) return;
    float g = 0.0f, b = 0.0f;
    for (int s = 0; s < slabs; s++) {
        g += partial[(long long)s * 2 * C + c];
        b += partial[(long long)s * 2 * C + C + c];
    }
    dgamma[c] += g;
    dbeta[c] += b;
}
JB_EMU_KERNEL(layernorm_backward_params_finish)
