// Fused scaled dot-product self-attention with a key padding mask, forward and backward, in the
// FlashAttention-2 style: tiles of 32 queries × 32 keys live in shared memory, the softmax is
// computed online (running max and sum per query row), and no [T, T] matrix is written to global
// memory (except the probabilities when the caller asks for them, for inspection).
//
// Layout (dev.jbert.engine.cpu.AttentionKernel): q, k, v are [B, T, H·D] row-major with row
// stride ldQKV (H·D for separate buffers, 3·H·D when they are slices of one fused QKV output),
// head h owning columns h·D .. h·D+D−1; out and dout are [B, T, H·D] with row stride H·D;
// keyMask [B, T] holds 1 for a real token and 0 for padding (nullable: all real). scale = 1/√D
// (rounded to float as the CPU does). Padded keys get probability exactly 0; a row whose keys are
// all padded gets zero probabilities and a zero output (as the CPU backend).
//
//   S = (q·kᵀ)·scale,  P = softmax over the real keys,  out = (P ⊙ M)·v
//
// M is the dropout mask on the probabilities (0 or 1/(1−p)), not stored: element (b, h, i, j)
// draws the Philox word of mask element e = ((b·H + h)·T + i)·T + j under (seed, stream, counter),
// exactly the mask the CPU gets from DropoutRng.fillMask over [B, H, T, T] (the attention dropout
// site's stream, the pass's counter, p as a double: nn.Dropout passes its float p widened).
// p = 0 turns dropout off.
//
// Forward saves lse[B, H, T] = m + log(l) per query row (the log of the softmax denominator on
// the scaled scores; +inf for an all-padded row). Backward (FlashAttention-2, with
// Δ_i = dout_i·out_i, which equals Σ_j P_ij·dP_ij even with dropout since out holds the dropped
// output):
//   P = exp(S − lse),  dP = (dout·vᵀ) ⊙ M,  dS = P ⊙ (dP − Δ)·scale,
//   dq = dS·k,  dk = dSᵀ·q,  dv = (P ⊙ M)ᵀ·dout.
// It runs as three kernels: attention_backward_delta (Δ), then attention_backward_dkdv (one block
// per key tile, looping over the query tiles) and attention_backward_dq (one block per query
// tile, looping over the key tiles). Recomputing P in both costs ~40% more arithmetic than one
// kernel with atomicAdd on dq, and buys deterministic gradients with no atomics.
//
// Head sizes: D = 32 and D = 64 (entry points suffixed _d32 / _d64). Arithmetic is float32 on CUDA
// cores (FMA), exp via expf (≤ 2 ulp).
//
// Launch: block 256 threads (8 warps). Lane j of warp w computes the scores of key j for query
// rows w, w+8, w+16, w+24, so every softmax row lives in one warp (shuffle reductions only);
// for the products with v, k, q, thread t owns row t/8 of the output tile and D/8 of its columns.
//
// Expected limit: attention is 4·B·H·T²·D FLOPs forward (~3% of BERT-base's FLOPs at T = 128,
// ~11% at T = 512); FP32 CUDA-core peak of an H100 SXM is ~67 TFLOP/s and this design is
// bound by shared-memory bandwidth at roughly half of that. A bf16 mma.sync version is the
// obvious next step (docs/kernels-cuda.md). Not measured yet (no GPU run).

#include "common.cuh"

using namespace jb;

// A named namespace, not an anonymous one: nvcc mangles internal-linkage names with a hash of
// the source path, which would make the PTX depend on where the repository lives.
namespace jb_attention {

constexpr int BR = 32, BC = 32, THREADS = 256;

struct AttnDropout {
    bool on;
    DropoutParams dp;
    unsigned long long seed;
    unsigned long long counter;
    unsigned int stream;
};

__device__ __forceinline__ AttnDropout make_dropout(unsigned long long seed, unsigned int stream,
                                                    unsigned long long counter, double p) {
    AttnDropout a;
    a.on = p > 0.0;
    a.dp = dropout_params(p);
    a.seed = seed;
    a.counter = counter;
    a.stream = stream;
    return a;
}

// s[r][d] = src[(b·T + r0 + r)·ld + h·D + d] for r < 32, d < D; rows at or beyond T are 0.
template <int D>
__device__ __forceinline__ void load_rows(float (*s)[D + 4], const float* __restrict__ src, long long ld, int b,
                                          int T, int h, int r0) {
    for (int q = threadIdx.x; q < 32 * D; q += THREADS) {
        int r = q / D, d = q % D, t = r0 + r;
        s[r][d] = t < T ? src[((long long)b * T + t) * ld + (long long)h * D + d] : 0.0f;
    }
}

// tile[r·(BC+1) + c] = dropout multiplier of element (query i0 + r, key j0 + c) of head bh, for
// r < BR, c < BC; 0 outside T. Each thread draws one group of 4 keys (1 or 2 Philox blocks).
__device__ __forceinline__ void dropout_tile(float* tile, const AttnDropout& a, long long bh, int T, int i0,
                                             int j0) {
    const int r = threadIdx.x / 8, c0 = 4 * (threadIdx.x % 8), i = i0 + r;
    float val[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    if (i < T) {
        const unsigned long long e0 = ((unsigned long long)bh * T + i) * T + j0 + c0;
        const uint4 w0 = dropout_block(a.seed, a.stream, a.counter, e0 >> 2);
        const uint4 w1 = (e0 & 3) != 0 ? dropout_block(a.seed, a.stream, a.counter, (e0 >> 2) + 1) : w0;
#pragma unroll
        for (int l = 0; l < 4; l++) {
            const unsigned long long e = e0 + l;
            if (j0 + c0 + l < T) {
                unsigned int word = (e >> 2) == (e0 >> 2) ? word_of(w0, (int)(e & 3)) : word_of(w1, (int)(e & 3));
                val[l] = dropout_value(a.dp, word);
            }
        }
    }
#pragma unroll
    for (int l = 0; l < 4; l++) tile[r * (BC + 1) + c0 + l] = val[l];
}

// s[q] = Σ_d A[w + 8q][d]·Bm[lane][d] for q < 4 (rows of A broadcast, row `lane` of Bm per lane).
template <int D>
__device__ __forceinline__ void tile_dots(float (&s)[4], const float (*A)[D + 4], const float (*Bm)[D + 4], int w,
                                          int lane) {
#pragma unroll
    for (int q = 0; q < 4; q++) s[q] = 0.0f;
#pragma unroll
    for (int d = 0; d < D; d += 4) {
        const float4 bv = *reinterpret_cast<const float4*>(&Bm[lane][d]);
#pragma unroll
        for (int q = 0; q < 4; q++) {
            const float4 av = *reinterpret_cast<const float4*>(&A[w + 8 * q][d]);
            s[q] = fmaf(av.x, bv.x, s[q]);
            s[q] = fmaf(av.y, bv.y, s[q]);
            s[q] = fmaf(av.z, bv.z, s[q]);
            s[q] = fmaf(av.w, bv.w, s[q]);
        }
    }
}

// acc[dd] += Σ_{x < 32} c_x·M[x][dc0 + dd] for dd < D/8, where c_x is coef[x·(BC+1) + col]
// (COEF_BY_ROW: column `col` of the coefficient tile) or coef[col·(BC+1) + x] (row `col`).
template <int D, bool COEF_BY_ROW>
__device__ __forceinline__ void accumulate_rows(float (&acc)[D / 8], const float* coef, int col,
                                                const float (*M)[D + 4], int dc0) {
#pragma unroll 4
    for (int x = 0; x < 32; x++) {
        const float c = COEF_BY_ROW ? coef[x * (BC + 1) + col] : coef[col * (BC + 1) + x];
#pragma unroll
        for (int dd = 0; dd < D / 8; dd += 4) {
            const float4 mv = *reinterpret_cast<const float4*>(&M[x][dc0 + dd]);
            acc[dd] = fmaf(c, mv.x, acc[dd]);
            acc[dd + 1] = fmaf(c, mv.y, acc[dd + 1]);
            acc[dd + 2] = fmaf(c, mv.z, acc[dd + 2]);
            acc[dd + 3] = fmaf(c, mv.w, acc[dd + 3]);
        }
    }
}

__device__ __forceinline__ bool key_is_real(const float* keyMask, int b, int T, int j) {
    return j < T && (keyMask == nullptr || keyMask[(long long)b * T + j] != 0.0f);
}

template <int D>
__device__ __forceinline__ void attention_forward_impl(const float* __restrict__ q, const float* __restrict__ k,
                                                       const float* __restrict__ v, const float* keyMask,
                                                       float* out, float* lse, float* probs, int B, int T, int H,
                                                       int ldQKV, const AttnDropout& drop) {
    __shared__ __align__(16) float Qs[BR][D + 4];
    __shared__ __align__(16) float Ks[BC][D + 4];
    __shared__ __align__(16) float Vs[BC][D + 4];
    __shared__ float Ps[BR][BC + 1];  // dropout multipliers, then P ⊙ M of the current tile
    __shared__ float rowScale[BR];
    __shared__ float rowInvL[BR];

    const int i0 = blockIdx.x * BR, h = blockIdx.y, b = blockIdx.z;
    const long long bh = (long long)b * H + h;
    const int C = H * D;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int orow = threadIdx.x / 8, dc0 = (threadIdx.x % 8) * (D / 8);
    const float scale = (float)(1.0 / sqrt((double)D));

    load_rows<D>(Qs, q, ldQKV, b, T, h, i0);
    float m[4], l[4];
#pragma unroll
    for (int s = 0; s < 4; s++) {
        m[s] = -INFINITY;
        l[s] = 0.0f;
    }
    float o[D / 8];
#pragma unroll
    for (int dd = 0; dd < D / 8; dd++) o[dd] = 0.0f;

    for (int j0 = 0; j0 < T; j0 += BC) {
        __syncthreads();  // the previous tile is consumed (and Qs is loaded)
        load_rows<D>(Ks, k, ldQKV, b, T, h, j0);
        load_rows<D>(Vs, v, ldQKV, b, T, h, j0);
        if (drop.on) dropout_tile(&Ps[0][0], drop, bh, T, i0, j0);
        __syncthreads();
        const bool real = key_is_real(keyMask, b, T, j0 + lane);
        float s[4];
        tile_dots<D>(s, Qs, Ks, warp, lane);
#pragma unroll
        for (int qq = 0; qq < 4; qq++) {
            const int r = warp + 8 * qq;
            const float x = real ? __fmul_rn(s[qq], scale) : -INFINITY;
            const float mNew = fmaxf(m[qq], warp_max(x));
            const float mUse = mNew == -INFINITY ? 0.0f : mNew;
            const float e = real ? expf(__fsub_rn(x, mUse)) : 0.0f;
            const float alpha = expf(__fsub_rn(m[qq], mUse));  // 0 while the row has seen no real key
            l[qq] = fmaf(l[qq], alpha, warp_sum(e));
            m[qq] = mNew;
            const float mult = drop.on ? Ps[r][lane] : 1.0f;
            Ps[r][lane] = __fmul_rn(e, mult);
            if (lane == 0) rowScale[r] = alpha;
        }
        __syncthreads();
        const float a = rowScale[orow];
#pragma unroll
        for (int dd = 0; dd < D / 8; dd++) o[dd] = __fmul_rn(o[dd], a);
        accumulate_rows<D, false>(o, &Ps[0][0], orow, Vs, dc0);
    }

    if (lane == 0) {
#pragma unroll
        for (int qq = 0; qq < 4; qq++) {
            const int r = warp + 8 * qq, i = i0 + r;
            rowInvL[r] = l[qq] > 0.0f ? __fdiv_rn(1.0f, l[qq]) : 0.0f;
            if (i < T) lse[bh * T + i] = l[qq] > 0.0f ? m[qq] + logf(l[qq]) : INFINITY;
        }
    }
    __syncthreads();
    const int i = i0 + orow;
    if (i < T) {
        const float inv = rowInvL[orow];
        float* dst = out + ((long long)b * T + i) * C + (long long)h * D + dc0;
#pragma unroll
        for (int dd = 0; dd < D / 8; dd++) dst[dd] = __fmul_rn(o[dd], inv);
    }

    if (probs == nullptr) return;
    // Probabilities for inspection (before dropout): a second pass over the keys.
    for (int j0 = 0; j0 < T; j0 += BC) {
        __syncthreads();
        load_rows<D>(Ks, k, ldQKV, b, T, h, j0);
        __syncthreads();
        const int j = j0 + lane;
        const bool real = key_is_real(keyMask, b, T, j);
        float s[4];
        tile_dots<D>(s, Qs, Ks, warp, lane);
#pragma unroll
        for (int qq = 0; qq < 4; qq++) {
            const int r = warp + 8 * qq, ii = i0 + r;
            if (ii < T && j < T) {
                float pr = 0.0f;
                if (real && l[qq] > 0.0f) {
                    pr = __fmul_rn(expf(__fsub_rn(__fmul_rn(s[qq], scale), m[qq])), rowInvL[r]);
                }
                probs[(bh * T + ii) * T + j] = pr;
            }
        }
    }
}

// Scores, probabilities and dS of one 32 × 32 tile (queries rows of Qs/dOs, keys rows of Ks/Vs),
// by the lane = key mapping: writes Pd[r][lane] = P ⊙ M (when Pd is not null) and
// dS[r][lane]. Both buffers may hold the dropout multipliers on entry: they are read from
// `multipliers` (the same thread reads then overwrites its own element).
template <int D>
__device__ __forceinline__ void backward_tile(const float (*Qs)[D + 4], const float (*dOs)[D + 4],
                                              const float (*Ks)[D + 4], const float (*Vs)[D + 4],
                                              const float* lseS, const float* deltaS, bool real, float scale,
                                              bool dropOn, const float* multipliers, float* Pd, float* dS) {
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    float s[4], dp[4];
    tile_dots<D>(s, Qs, Ks, warp, lane);
    tile_dots<D>(dp, dOs, Vs, warp, lane);
#pragma unroll
    for (int qq = 0; qq < 4; qq++) {
        const int r = warp + 8 * qq;
        const float p = real ? expf(__fsub_rn(__fmul_rn(s[qq], scale), lseS[r])) : 0.0f;
        const float mult = dropOn ? multipliers[r * (BC + 1) + lane] : 1.0f;
        const float dpm = __fmul_rn(dp[qq], mult);
        const float ds = __fmul_rn(__fmul_rn(p, __fsub_rn(dpm, deltaS[r])), scale);
        if (Pd != nullptr) Pd[r * (BC + 1) + lane] = __fmul_rn(p, mult);
        dS[r * (BC + 1) + lane] = ds;
    }
}

// lseS[r], deltaS[r] for the 32 query rows from i0 (+inf and 0 beyond T: P = 0 there).
__device__ __forceinline__ void load_row_stats(float* lseS, float* deltaS, const float* lse, const float* delta,
                                               long long bh, int T, int i0) {
    if (threadIdx.x < BR) {
        const int i = i0 + threadIdx.x;
        lseS[threadIdx.x] = i < T ? lse[bh * T + i] : INFINITY;
        deltaS[threadIdx.x] = i < T ? delta[bh * T + i] : 0.0f;
    }
}

template <int D>
__device__ __forceinline__ void attention_backward_dkdv_impl(const float* __restrict__ dout,
                                                             const float* __restrict__ q, const float* __restrict__ k,
                                                             const float* __restrict__ v, const float* keyMask,
                                                             const float* lse, const float* delta, float* dk,
                                                             float* dv, int B, int T, int H, int ldQKV,
                                                             const AttnDropout& drop) {
    __shared__ __align__(16) float Ks[BC][D + 4];
    __shared__ __align__(16) float Vs[BC][D + 4];
    __shared__ __align__(16) float Qs[BR][D + 4];
    __shared__ __align__(16) float dOs[BR][D + 4];
    __shared__ float Ps[BR][BC + 1];   // dropout multipliers, then P ⊙ M
    __shared__ float dSs[BR][BC + 1];
    __shared__ float lseS[BR], deltaS[BR];

    const int j0 = blockIdx.x * BC, h = blockIdx.y, b = blockIdx.z;
    const long long bh = (long long)b * H + h;
    const int C = H * D;
    const int lane = threadIdx.x % 32;
    const int krow = threadIdx.x / 8, dc0 = (threadIdx.x % 8) * (D / 8);
    const float scale = (float)(1.0 / sqrt((double)D));
    const bool real = key_is_real(keyMask, b, T, j0 + lane);

    load_rows<D>(Ks, k, ldQKV, b, T, h, j0);
    load_rows<D>(Vs, v, ldQKV, b, T, h, j0);
    float dK[D / 8], dV[D / 8];
#pragma unroll
    for (int dd = 0; dd < D / 8; dd++) {
        dK[dd] = 0.0f;
        dV[dd] = 0.0f;
    }
    for (int i0 = 0; i0 < T; i0 += BR) {
        __syncthreads();
        load_rows<D>(Qs, q, ldQKV, b, T, h, i0);
        load_rows<D>(dOs, dout, C, b, T, h, i0);
        load_row_stats(lseS, deltaS, lse, delta, bh, T, i0);
        if (drop.on) dropout_tile(&Ps[0][0], drop, bh, T, i0, j0);
        __syncthreads();
        backward_tile<D>(Qs, dOs, Ks, Vs, lseS, deltaS, real, scale, drop.on, &Ps[0][0], &Ps[0][0], &dSs[0][0]);
        __syncthreads();
        accumulate_rows<D, true>(dV, &Ps[0][0], krow, dOs, dc0);
        accumulate_rows<D, true>(dK, &dSs[0][0], krow, Qs, dc0);
    }
    const int j = j0 + krow;
    if (j < T) {
        const long long o = ((long long)b * T + j) * ldQKV + (long long)h * D + dc0;
#pragma unroll
        for (int dd = 0; dd < D / 8; dd++) {
            dk[o + dd] = dK[dd];
            dv[o + dd] = dV[dd];
        }
    }
}

template <int D>
__device__ __forceinline__ void attention_backward_dq_impl(const float* __restrict__ dout,
                                                           const float* __restrict__ q, const float* __restrict__ k,
                                                           const float* __restrict__ v, const float* keyMask,
                                                           const float* lse, const float* delta, float* dq, int B,
                                                           int T, int H, int ldQKV, const AttnDropout& drop) {
    __shared__ __align__(16) float Qs[BR][D + 4];
    __shared__ __align__(16) float dOs[BR][D + 4];
    __shared__ __align__(16) float Ks[BC][D + 4];
    __shared__ __align__(16) float Vs[BC][D + 4];
    __shared__ float dSs[BR][BC + 1];  // dropout multipliers, then dS
    __shared__ float lseS[BR], deltaS[BR];

    const int i0 = blockIdx.x * BR, h = blockIdx.y, b = blockIdx.z;
    const long long bh = (long long)b * H + h;
    const int C = H * D;
    const int lane = threadIdx.x % 32;
    const int qrow = threadIdx.x / 8, dc0 = (threadIdx.x % 8) * (D / 8);
    const float scale = (float)(1.0 / sqrt((double)D));

    load_rows<D>(Qs, q, ldQKV, b, T, h, i0);
    load_rows<D>(dOs, dout, C, b, T, h, i0);
    load_row_stats(lseS, deltaS, lse, delta, bh, T, i0);
    float dQ[D / 8];
#pragma unroll
    for (int dd = 0; dd < D / 8; dd++) dQ[dd] = 0.0f;
    for (int j0 = 0; j0 < T; j0 += BC) {
        __syncthreads();
        load_rows<D>(Ks, k, ldQKV, b, T, h, j0);
        load_rows<D>(Vs, v, ldQKV, b, T, h, j0);
        if (drop.on) dropout_tile(&dSs[0][0], drop, bh, T, i0, j0);
        __syncthreads();
        const bool real = key_is_real(keyMask, b, T, j0 + lane);
        backward_tile<D>(Qs, dOs, Ks, Vs, lseS, deltaS, real, scale, drop.on, &dSs[0][0], nullptr, &dSs[0][0]);
        __syncthreads();
        accumulate_rows<D, false>(dQ, &dSs[0][0], qrow, Ks, dc0);
    }
    const int i = i0 + qrow;
    if (i < T) {
        const long long o = ((long long)b * T + i) * ldQKV + (long long)h * D + dc0;
#pragma unroll
        for (int dd = 0; dd < D / 8; dd++) dq[o + dd] = dQ[dd];
    }
}

}  // namespace jb_attention

using namespace jb_attention;

// attention_forward_d32 / attention_forward_d64
//   grid: (ceil(T/32), H, B), block: 256, shared: static (ptxas table in docs/kernels-cuda.md)
//   out[B,T,H·D] (row stride H·D) = softmax(q·kᵀ·scale, padded keys masked) ⊙ dropout · v;
//   lse[B,H,T] = log Σ_j exp(S_ij) per query row (+inf when every key is padded), for backward;
//   probs[B,H,T,T] (nullable) = the probabilities before dropout. q, k, v row stride ldQKV.
//   Dropout on the probabilities with (seed, stream, counter, p); p = 0: none.
#define JB_ATTENTION_FORWARD(D_)                                                                                  \
    extern "C" __global__ void __launch_bounds__(THREADS)                                                        \
    attention_forward_d##D_(const float* q, const float* k, const float* v, const float* keyMask, float* out,    \
                            float* lse, float* probs, int B, int T, int H, int ldQKV, unsigned long long seed,   \
                            unsigned int stream, unsigned long long counter, double p) {                         \
        attention_forward_impl<D_>(q, k, v, keyMask, out, lse, probs, B, T, H, ldQKV,                            \
                                   make_dropout(seed, stream, counter, p));                                      \
    }
JB_ATTENTION_FORWARD(32)
JB_EMU_KERNEL(attention_forward_d32)
JB_ATTENTION_FORWARD(64)
JB_EMU_KERNEL(attention_forward_d64)

// attention_backward_delta
//   grid: (ceil(B·T·H/8)), block: 256 (one warp per (b, t, h)), shared: 0
//   delta[B,H,T]: delta[b,h,t] = Σ_d dout[b,t,h·D+d]·out[b,t,h·D+d] (dout, out: row stride H·D).
extern "C" __global__ void __launch_bounds__(256)
attention_backward_delta(const float* dout, const float* out, float* delta, int B, int T, int H, int D) {
    const long long idx = (long long)blockIdx.x * 8 + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (idx >= (long long)B * T * H) return;
    const int h = (int)(idx % H);
    const long long bt = idx / H;  // b·T + t
    const int t = (int)(bt % T), b = (int)(bt / T);
    const long long off = bt * H * D + (long long)h * D;
    float s = 0.0f;
    for (int d = lane; d < D; d += 32) s = fmaf(dout[off + d], out[off + d], s);
    s = warp_sum(s);
    if (lane == 0) delta[((long long)b * H + h) * T + t] = s;
}
JB_EMU_KERNEL(attention_backward_delta)

// attention_backward_dkdv_d32 / attention_backward_dkdv_d64
//   grid: (ceil(T/32), H, B) over key tiles, block: 256, shared: static
//   dk, dv [B,T,H·D] (row stride ldQKV, overwritten) from dout [B,T,H·D], q, k, v, keyMask, the
//   forward's lse and attention_backward_delta's delta, with the forward's dropout arguments.
#define JB_ATTENTION_BACKWARD_DKDV(D_)                                                                            \
    extern "C" __global__ void __launch_bounds__(THREADS)                                                        \
    attention_backward_dkdv_d##D_(const float* dout, const float* q, const float* k, const float* v,              \
                                  const float* keyMask, const float* lse, const float* delta, float* dk,          \
                                  float* dv, int B, int T, int H, int ldQKV, unsigned long long seed,             \
                                  unsigned int stream, unsigned long long counter, double p) {                   \
        attention_backward_dkdv_impl<D_>(dout, q, k, v, keyMask, lse, delta, dk, dv, B, T, H, ldQKV,             \
                                         make_dropout(seed, stream, counter, p));                                \
    }
JB_ATTENTION_BACKWARD_DKDV(32)
JB_EMU_KERNEL(attention_backward_dkdv_d32)
JB_ATTENTION_BACKWARD_DKDV(64)
JB_EMU_KERNEL(attention_backward_dkdv_d64)

// attention_backward_dq_d32 / attention_backward_dq_d64
//   grid: (ceil(T/32), H, B) over query tiles, block: 256, shared: static
//   dq [B,T,H·D] (row stride ldQKV, overwritten); same inputs as the dkdv kernel (v for dP).
#define JB_ATTENTION_BACKWARD_DQ(D_)                                                                              \
    extern "C" __global__ void __launch_bounds__(THREADS)                                                        \
    attention_backward_dq_d##D_(const float* dout, const float* q, const float* k, const float* v,                \
                                const float* keyMask, const float* lse, const float* delta, float* dq, int B,     \
                                int T, int H, int ldQKV, unsigned long long seed, unsigned int stream,           \
                                unsigned long long counter, double p) {                                          \
        attention_backward_dq_impl<D_>(dout, q, k, v, keyMask, lse, delta, dq, B, T, H, ldQKV,                   \
                                       make_dropout(seed, stream, counter, p));                                  \
    }
JB_ATTENTION_BACKWARD_DQ(32)
JB_EMU_KERNEL(attention_backward_dq_d32)
JB_ATTENTION_BACKWARD_DQ(64)
JB_EMU_KERNEL(attention_backward_dq_d64)
