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
// Head sizes: D = 16, 32 and 64 (entry points suffixed _d16 / _d32 / _d64; D = 16 is the tiny golden
// models' size). Arithmetic is float32 on CUDA cores (FMA), exp via expf (≤ 2 ulp).
//
// Launch: block 256 threads (8 warps). Lane j of warp w computes the scores of key j for query
// rows w, w+8, w+16, w+24, so every softmax row lives in one warp (shuffle reductions only);
// for the products with v, k, q, thread t owns row t/8 of the output tile and D/8 of its columns.
//
// Expected limit: attention is 4·B·H·T²·D FLOPs forward (~3% of BERT-base's FLOPs at T = 128,
// ~11% at T = 512); FP32 CUDA-core peak of an H100 SXM is ~67 TFLOP/s and this design is
// bound by shared-memory bandwidth at roughly half of that. The bf16 tensor-core versions
// (_bf16 entry points, --precision bf16) follow at the end of this file. Not measured yet (no GPU
// run).

#include "common.cuh"
#include "tensor_core.cuh"

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
// D = 32, 64: float4 reads of the thread's D/8 columns, x unrolled by 4; D = 16: two columns, one
// float2 read, x fully unrolled (unrolled by 4, ptxas spills 12 bytes in attention_backward_dkdv_d16).
template <int D, bool COEF_BY_ROW>
__device__ __forceinline__ void accumulate_rows(float (&acc)[D / 8], const float* coef, int col,
                                                const float (*M)[D + 4], int dc0) {
    static_assert(D % 16 == 0, "head sizes are multiples of 16 (2 or a multiple of 4 columns per thread)");
    if constexpr (D / 8 == 2) {
#pragma unroll
        for (int x = 0; x < 32; x++) {
            const float c = COEF_BY_ROW ? coef[x * (BC + 1) + col] : coef[col * (BC + 1) + x];
            const float2 mv = *reinterpret_cast<const float2*>(&M[x][dc0]);
            acc[0] = fmaf(c, mv.x, acc[0]);
            acc[1] = fmaf(c, mv.y, acc[1]);
        }
    } else {
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

// attention_forward_d16 / attention_forward_d32 / attention_forward_d64
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
JB_ATTENTION_FORWARD(16)
JB_EMU_KERNEL(attention_forward_d16)
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

// attention_backward_dkdv_d16 / attention_backward_dkdv_d32 / attention_backward_dkdv_d64
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
JB_ATTENTION_BACKWARD_DKDV(16)
JB_EMU_KERNEL(attention_backward_dkdv_d16)
JB_ATTENTION_BACKWARD_DKDV(32)
JB_EMU_KERNEL(attention_backward_dkdv_d32)
JB_ATTENTION_BACKWARD_DKDV(64)
JB_EMU_KERNEL(attention_backward_dkdv_d64)

// attention_backward_dq_d16 / attention_backward_dq_d32 / attention_backward_dq_d64
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
JB_ATTENTION_BACKWARD_DQ(16)
JB_EMU_KERNEL(attention_backward_dq_d16)
JB_ATTENTION_BACKWARD_DQ(32)
JB_EMU_KERNEL(attention_backward_dq_d32)
JB_ATTENTION_BACKWARD_DQ(64)
JB_EMU_KERNEL(attention_backward_dq_d64)

// ==================================================================================================
// bf16 tensor-core attention (--precision bf16): the same entry-point parameters and semantics as
// the float32 kernels above (padding mask, lse, dropout from the same Philox words, optional probs),
// with every product on mma.sync.m16n8k16 bf16 with float32 accumulation:
//   forward   S = Q·Kᵀ, O += (P ⊙ M)·V
//   dq        S = Q·Kᵀ, dP = dO·Vᵀ, dQ += dS·K
//   dkdv      Sᵀ = K·Qᵀ, dPᵀ = V·dOᵀ, dV += (Pᵀ ⊙ M)·dO, dK += dSᵀ·Q
// Q, K, V, dO are rounded to bf16 (round to nearest even, cvt.rn.bf16x2.f32 as gemm_tc.cu) when they
// are staged; P ⊙ M and dS are rounded to bf16 where they become the A operand of the second
// product. Scores, the online-softmax statistics (m, l), lse, Δ and every accumulator stay float32.
//
// Structure (FlashAttention-2): a block of 128 threads = 4 warps owns 64 rows (query rows for the
// forward and dq kernels, keys for dkdv); each warp owns 16 of them, holds their operand fragments
// (Q, or K and V) in registers for the whole kernel, and keeps its 16 × 64 S / P / dP tile in the
// m16n8 accumulator registers (each thread: rows g and g+8, columns 8n+2·tig and +1, g = lane/4,
// tig = lane%4). Row max and row sum of the online softmax reduce over the 4 threads of a quad
// (two shuffles); the row sum stays per thread until the end (it is rescaled by the same α across
// the quad). The other operand streams through shared memory in tiles of 64 rows, as bf16 pairs:
//   "rows" layout: word (r, w) = (x[r][2w], x[r][2w+1]) at r·(D/2+4) + w  (B operand of X·Yᵀ)
//   "cols" layout: word (d, w) = (x[2w][d], x[2w+1][d]) at d·36 + w       (B operand of P·Y)
// both free of bank conflicts for the fragment reads. The accumulator of the first product becomes
// the A fragment of the second without leaving registers (two n8 tiles = one k16 step).
// Dropout: each thread draws the keep decisions of its own 32 tile elements in a rolled loop (one
// inlined Philox, not 32) into a 32-bit word, per element pair (forward, dq: two adjacent keys of
// one row share a Philox block unless they straddle one) or per element (dkdv: adjacent columns
// are queries, T elements apart); no mask tile is stored. Only the 0/1 decision enters the bf16
// operand P ⊙ keep; the 1/(1−p) scale is applied in float32 (to out, dV, and dP).
//
// Grids: (ceil(T/64), H, B), block 128, static shared memory (table in docs/kernels-cuda.md).
// Expected limit: mma.sync reaches roughly 2/3 of the H100's 989 TFLOP/s dense bf16 rate at best;
// this v1 stages through registers (no cp.async, no double buffering) and runs 4 warps per block,
// so expect well below that. Not measured yet (no GPU run).

namespace jb_attention_tc {

constexpr int TC_ROWS = 64;     // rows a block owns: 4 warps × 16
constexpr int TC_COLS = 64;     // rows of a streamed tile (keys in forward/dq, queries in dkdv)
constexpr int TC_THREADS = 128;
constexpr int CS = TC_COLS / 2 + 4;  // words per d of a "cols" tile

// x rounded to the nearest bf16 value (ties to even), as a float.
__device__ __forceinline__ float bf16_round(float x) {
    const unsigned int bits = to_bf16x2(x, 0.0f) << 16;
#ifdef JB_EMULATE
    float r;
    memcpy(&r, &bits, sizeof r);
    return r;
#else
    return __uint_as_float(bits);
#endif
}

__device__ __forceinline__ float quad_max(float x) {
    x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 1));
    return fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 2));
}

__device__ __forceinline__ float quad_sum(float x) {
    x += __shfl_xor_sync(0xffffffffu, x, 1);
    return x + __shfl_xor_sync(0xffffffffu, x, 2);
}

// "rows" layout of rows r0 .. r0+63 of head h: s[r·(D/2+4) + w] = bf16 pair of src[r0+r][2w..2w+1]
// (row stride ld); rows at or beyond T are 0.
template <int D>
__device__ __forceinline__ void stage_rows(unsigned int* s, const float* __restrict__ src, long long ld, int b,
                                           int T, int h, int r0) {
    constexpr int W = D / 2, RSW = D / 2 + 4;
    for (int x = threadIdx.x; x < TC_COLS * W; x += TC_THREADS) {
        const int r = x / W, w = x % W, t = r0 + r;
        float lo = 0.0f, hi = 0.0f;
        if (t < T) {
            const float* p = src + ((long long)b * T + t) * ld + (long long)h * D + 2 * w;
            lo = p[0];
            hi = p[1];
        }
        s[r * RSW + w] = to_bf16x2(lo, hi);
    }
}

// "cols" layout of rows r0 .. r0+63 of head h: s[d·CS + w] = bf16 pair (src[r0+2w][d],
// src[r0+2w+1][d]); rows at or beyond T are 0.
template <int D>
__device__ __forceinline__ void stage_cols(unsigned int* s, const float* __restrict__ src, long long ld, int b,
                                           int T, int h, int r0) {
    for (int x = threadIdx.x; x < D * (TC_COLS / 2); x += TC_THREADS) {
        const int d = x % D, w = x / D, t = r0 + 2 * w;
        const long long col = (long long)h * D + d;
        const float lo = t < T ? src[((long long)b * T + t) * ld + col] : 0.0f;
        const float hi = t + 1 < T ? src[((long long)b * T + t + 1) * ld + col] : 0.0f;
        s[d * CS + w] = to_bf16x2(lo, hi);
    }
}

// A fragments (m16 × k16, row major) of rows r0 .. r0+15 of head h, all D columns, straight from
// global memory: a[ks] covers columns 16ks .. 16ks+15. Rows at or beyond T are 0.
template <int D>
__device__ __forceinline__ void load_a(unsigned int (&a)[D / 16][4], const float* __restrict__ src, long long ld,
                                       int b, int T, int h, int r0) {
    const int lane = threadIdx.x % 32, g = lane / 4, tig = lane % 4;
#pragma unroll
    for (int half = 0; half < 2; half++) {  // row g, row g + 8
        const int t = r0 + g + 8 * half;
        const float* p = src + ((long long)b * T + t) * ld + (long long)h * D + 2 * tig;
#pragma unroll
        for (int ks = 0; ks < D / 16; ks++) {
#pragma unroll
            for (int kh = 0; kh < 2; kh++) {  // columns 16ks + 2tig, 16ks + 8 + 2tig
                const int c = 16 * ks + 8 * kh;
                a[ks][2 * kh + half] = t < T ? to_bf16x2(p[c], p[c + 1]) : 0u;
            }
        }
    }
}

// acc[n] += A·B for NT n8 tiles, KS k16 steps; B word (column n', k-word w) at B[n'·stride + w].
template <int KS, int NT>
__device__ __forceinline__ void mma_tile(float (&acc)[NT][4], const unsigned int (&a)[KS][4], const unsigned int* B,
                                         int stride) {
    const int lane = threadIdx.x % 32, g = lane / 4, tig = lane % 4;
#pragma unroll
    for (int ks = 0; ks < KS; ks++) {
#pragma unroll
        for (int n = 0; n < NT; n++) {
            const unsigned int* p = B + (8 * n + g) * stride + 8 * ks + tig;
            const unsigned int bb[2] = {p[0], p[4]};
            mma_bf16(acc[n], a[ks], bb);
        }
    }
}

// The m16n8 accumulators of NT column tiles as the A fragments (bf16) of NT/2 k16 steps.
template <int NT>
__device__ __forceinline__ void acc_to_a(unsigned int (&a)[NT / 2][4], const float (&c)[NT][4]) {
#pragma unroll
    for (int kk = 0; kk < NT / 2; kk++) {
        a[kk][0] = to_bf16x2(c[2 * kk][0], c[2 * kk][1]);
        a[kk][1] = to_bf16x2(c[2 * kk][2], c[2 * kk][3]);
        a[kk][2] = to_bf16x2(c[2 * kk + 1][0], c[2 * kk + 1][1]);
        a[kk][3] = to_bf16x2(c[2 * kk + 1][2], c[2 * kk + 1][3]);
    }
}

template <int NT>
__device__ __forceinline__ void zero(float (&c)[NT][4]) {
#pragma unroll
    for (int n = 0; n < NT; n++) {
#pragma unroll
        for (int e = 0; e < 4; e++) c[n][e] = 0.0f;
    }
}

// Dropout multipliers of elements (i, j) and (i, j+1) of head bh (the DropoutRng mask over
// [B, H, T, T]); j+1 may lie past the row (its value is then unused).
__device__ __forceinline__ float2 drop_pair(const jb_attention::AttnDropout& a, long long bh, int T, int i, int j) {
    const unsigned long long e0 = ((unsigned long long)bh * T + i) * T + j;
    const uint4 w0 = dropout_block(a.seed, a.stream, a.counter, e0 >> 2);
    const int l = (int)(e0 & 3);
    const unsigned int x = word_of(w0, l);
    const unsigned int y = l == 3 ? dropout_block(a.seed, a.stream, a.counter, (e0 >> 2) + 1).x : word_of(w0, l + 1);
    return make_float2(dropout_value(a.dp, x), dropout_value(a.dp, y));
}

// Dropout multiplier of element (i, j) of head bh.
__device__ __forceinline__ float drop_one(const jb_attention::AttnDropout& a, long long bh, int T, int i, int j) {
    const unsigned long long e = ((unsigned long long)bh * T + i) * T + j;
    return dropout_value(a.dp, word_of(dropout_block(a.seed, a.stream, a.counter, e >> 2), (int)(e & 3)));
}

// Keep bits of the dropout elements a thread holds in a 16 × 64 accumulator tile whose rows are
// query rows r0+g, r0+g+8 and whose columns are keys j0 + 8n + 2tig + c: bit 16·hr + 2n + c is set
// when element (r0 + g + 8hr, j0 + 8n + 2tig + c) is kept. A rolled loop (one inlined Philox
// round trip, not 16): rows at or beyond T get 0.
__device__ __forceinline__ unsigned int keep_bits_query_rows(const jb_attention::AttnDropout& a, long long bh, int T,
                                                             int r0, int j0) {
    const int lane = threadIdx.x % 32, g = lane / 4, tig = lane % 4;
    unsigned int bits = 0;
#pragma unroll 1
    for (int x = 0; x < 16; x++) {
        const int hr = x / 8, n = x % 8, i = r0 + g + 8 * hr;
        if (i < T) {
            const float2 mm = drop_pair(a, bh, T, i, j0 + 8 * n + 2 * tig);
            bits |= (mm.x != 0.0f ? 1u : 0u) << (2 * x);
            bits |= (mm.y != 0.0f ? 1u : 0u) << (2 * x + 1);
        }
    }
    return bits;
}

// The same for a tile whose rows are keys r0+g, r0+g+8 and whose columns are queries
// i0 + 8n + 2tig + c (dK/dV): bit 16·hr + 2n + c for element (query i0 + 8n + 2tig + c, key
// r0 + g + 8hr). Elements outside T get 0.
__device__ __forceinline__ unsigned int keep_bits_key_rows(const jb_attention::AttnDropout& a, long long bh, int T,
                                                           int r0, int i0) {
    const int lane = threadIdx.x % 32, g = lane / 4, tig = lane % 4;
    unsigned int bits = 0;
#pragma unroll 1
    for (int x = 0; x < 32; x++) {
        const int j = r0 + g + 8 * (x >> 4), i = i0 + 8 * ((x >> 1) & 7) + 2 * tig + (x & 1);
        if (i < T && j < T && drop_one(a, bh, T, i, j) != 0.0f) bits |= 1u << x;
    }
    return bits;
}

template <int D>
__device__ __forceinline__ void attention_forward_bf16_impl(const float* __restrict__ q, const float* __restrict__ k,
                                                            const float* __restrict__ v, const float* keyMask,
                                                            float* out, float* lse, float* probs, int B, int T,
                                                            int H, int ldQKV, const jb_attention::AttnDropout& drop) {
    constexpr int RSW = D / 2 + 4, NT = TC_COLS / 8, DT = D / 8, KS = D / 16;
    __shared__ __align__(16) unsigned int Ks[TC_COLS * RSW];
    __shared__ __align__(16) unsigned int Vt[D * CS];
    __shared__ float keyOk[TC_COLS];

    const int h = blockIdx.y, b = blockIdx.z;
    const long long bh = (long long)b * H + h;
    const int C = H * D;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, tig = lane % 4;
    const int r0 = blockIdx.x * TC_ROWS + warp * 16;
    const int rowI[2] = {r0 + g, r0 + g + 8};
    const float scale = (float)(1.0 / sqrt((double)D));

    unsigned int qa[KS][4];
    load_a<D>(qa, q, ldQKV, b, T, h, r0);
    float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.0f, 0.0f};  // l: this thread's columns only
    float o[DT][4];
    zero(o);

    for (int j0 = 0; j0 < T; j0 += TC_COLS) {
        __syncthreads();  // the previous tile is consumed
        stage_rows<D>(Ks, k, ldQKV, b, T, h, j0);
        stage_cols<D>(Vt, v, ldQKV, b, T, h, j0);
        if (threadIdx.x < TC_COLS) keyOk[threadIdx.x] = jb_attention::key_is_real(keyMask, b, T, j0 + threadIdx.x);
        __syncthreads();
        float s[NT][4];
        zero(s);
        mma_tile<KS, NT>(s, qa, Ks, RSW);
        float alpha[2];
#pragma unroll
        for (int hr = 0; hr < 2; hr++) {
            float mx = -INFINITY;
#pragma unroll
            for (int n = 0; n < NT; n++) {
#pragma unroll
                for (int c = 0; c < 2; c++) {
                    const float x = keyOk[8 * n + 2 * tig + c] != 0.0f ? __fmul_rn(s[n][2 * hr + c], scale) : -INFINITY;
                    s[n][2 * hr + c] = x;
                    mx = fmaxf(mx, x);
                }
            }
            const float mNew = fmaxf(m[hr], quad_max(mx));
            const float mUse = mNew == -INFINITY ? 0.0f : mNew;
            alpha[hr] = expf(__fsub_rn(m[hr], mUse));  // 0 while the row has seen no real key
            float sum = 0.0f;
#pragma unroll
            for (int n = 0; n < NT; n++) {
#pragma unroll
                for (int c = 0; c < 2; c++) {
                    const float x = s[n][2 * hr + c];
                    const float e = keyOk[8 * n + 2 * tig + c] != 0.0f ? expf(__fsub_rn(x, mUse)) : 0.0f;
                    s[n][2 * hr + c] = e;
                    sum += e;
                }
            }
            l[hr] = fmaf(l[hr], alpha[hr], sum);
            m[hr] = mNew;
        }
        if (drop.on) {  // dropped elements to 0; the 1/(1−p) of the kept ones is applied at the end
            const unsigned int keep = keep_bits_query_rows(drop, bh, T, r0, j0);
#pragma unroll
            for (int n = 0; n < NT; n++) {
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    if (((keep >> (16 * (e / 2) + 2 * n + (e % 2))) & 1u) == 0) s[n][e] = 0.0f;
                }
            }
        }
#pragma unroll
        for (int dt = 0; dt < DT; dt++) {
            o[dt][0] *= alpha[0];
            o[dt][1] *= alpha[0];
            o[dt][2] *= alpha[1];
            o[dt][3] *= alpha[1];
        }
        unsigned int pa[NT / 2][4];
        acc_to_a<NT>(pa, s);
        mma_tile<NT / 2, DT>(o, pa, Vt, CS);
    }

    float inv[2];
#pragma unroll
    for (int hr = 0; hr < 2; hr++) {
        l[hr] = quad_sum(l[hr]);
        inv[hr] = l[hr] > 0.0f ? __fdiv_rn(1.0f, l[hr]) : 0.0f;
        const int i = rowI[hr];
        if (i < T) {
            float* dst = out + ((long long)b * T + i) * C + (long long)h * D + 2 * tig;
            const float keptScale = drop.on ? drop.dp.scale : 1.0f;  // 1/(1−p), kept out of the bf16 P
#pragma unroll
            for (int dt = 0; dt < DT; dt++) {
                dst[8 * dt] = __fmul_rn(__fmul_rn(o[dt][2 * hr], inv[hr]), keptScale);
                dst[8 * dt + 1] = __fmul_rn(__fmul_rn(o[dt][2 * hr + 1], inv[hr]), keptScale);
            }
            if (tig == 0) lse[bh * T + i] = l[hr] > 0.0f ? m[hr] + logf(l[hr]) : INFINITY;
        }
    }

    if (probs == nullptr) return;
    // Probabilities for inspection (before dropout, from the bf16 scores): a second pass over the keys.
    for (int j0 = 0; j0 < T; j0 += TC_COLS) {
        __syncthreads();
        stage_rows<D>(Ks, k, ldQKV, b, T, h, j0);
        if (threadIdx.x < TC_COLS) keyOk[threadIdx.x] = jb_attention::key_is_real(keyMask, b, T, j0 + threadIdx.x);
        __syncthreads();
        float s[NT][4];
        zero(s);
        mma_tile<KS, NT>(s, qa, Ks, RSW);
#pragma unroll
        for (int hr = 0; hr < 2; hr++) {
            const int i = rowI[hr];
            if (i >= T) continue;
#pragma unroll
            for (int n = 0; n < NT; n++) {
#pragma unroll
                for (int c = 0; c < 2; c++) {
                    const int col = 8 * n + 2 * tig + c, j = j0 + col;
                    if (j < T) {
                        float pr = 0.0f;
                        if (keyOk[col] != 0.0f && l[hr] > 0.0f) {
                            pr = __fmul_rn(expf(__fsub_rn(__fmul_rn(s[n][2 * hr + c], scale), m[hr])), inv[hr]);
                        }
                        probs[(bh * T + i) * T + j] = pr;
                    }
                }
            }
        }
    }
}

template <int D>
__device__ __forceinline__ void attention_backward_dq_bf16_impl(const float* __restrict__ dout,
                                                                const float* __restrict__ q,
                                                                const float* __restrict__ k,
                                                                const float* __restrict__ v, const float* keyMask,
                                                                const float* lse, const float* delta, float* dq,
                                                                int B, int T, int H, int ldQKV,
                                                                const jb_attention::AttnDropout& drop) {
    constexpr int RSW = D / 2 + 4, NT = TC_COLS / 8, DT = D / 8, KS = D / 16;
    __shared__ __align__(16) unsigned int Ks[TC_COLS * RSW];
    __shared__ __align__(16) unsigned int Vs[TC_COLS * RSW];
    __shared__ __align__(16) unsigned int Kt[D * CS];
    __shared__ float keyOk[TC_COLS];

    const int h = blockIdx.y, b = blockIdx.z;
    const long long bh = (long long)b * H + h;
    const int C = H * D;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, tig = lane % 4;
    const int r0 = blockIdx.x * TC_ROWS + warp * 16;
    const int rowI[2] = {r0 + g, r0 + g + 8};
    const float scale = (float)(1.0 / sqrt((double)D));

    unsigned int qa[KS][4], da[KS][4];
    load_a<D>(qa, q, ldQKV, b, T, h, r0);
    load_a<D>(da, dout, C, b, T, h, r0);
    float lseR[2], deltaR[2];
#pragma unroll
    for (int hr = 0; hr < 2; hr++) {
        lseR[hr] = rowI[hr] < T ? lse[bh * T + rowI[hr]] : INFINITY;
        deltaR[hr] = rowI[hr] < T ? delta[bh * T + rowI[hr]] : 0.0f;
    }
    float dQ[DT][4];
    zero(dQ);
    const float keptScale = drop.on ? drop.dp.scale : 1.0f;  // the multiplier of a kept element

    for (int j0 = 0; j0 < T; j0 += TC_COLS) {
        __syncthreads();
        stage_rows<D>(Ks, k, ldQKV, b, T, h, j0);
        stage_rows<D>(Vs, v, ldQKV, b, T, h, j0);
        stage_cols<D>(Kt, k, ldQKV, b, T, h, j0);
        if (threadIdx.x < TC_COLS) keyOk[threadIdx.x] = jb_attention::key_is_real(keyMask, b, T, j0 + threadIdx.x);
        __syncthreads();
        float s[NT][4], dp[NT][4];
        zero(s);
        zero(dp);
        mma_tile<KS, NT>(s, qa, Ks, RSW);
        mma_tile<KS, NT>(dp, da, Vs, RSW);
        const unsigned int keep = drop.on ? keep_bits_query_rows(drop, bh, T, r0, j0) : 0xffffffffu;
#pragma unroll
        for (int hr = 0; hr < 2; hr++) {
#pragma unroll
            for (int n = 0; n < NT; n++) {
#pragma unroll
                for (int c = 0; c < 2; c++) {
                    const float p = keyOk[8 * n + 2 * tig + c] != 0.0f
                                            ? expf(__fsub_rn(__fmul_rn(s[n][2 * hr + c], scale), lseR[hr]))
                                            : 0.0f;
                    const float mult = ((keep >> (16 * hr + 2 * n + c)) & 1u) != 0 ? keptScale : 0.0f;
                    const float dpm = __fmul_rn(dp[n][2 * hr + c], mult);
                    s[n][2 * hr + c] = __fmul_rn(__fmul_rn(p, __fsub_rn(dpm, deltaR[hr])), scale);
                }
            }
        }
        unsigned int dsa[NT / 2][4];
        acc_to_a<NT>(dsa, s);
        mma_tile<NT / 2, DT>(dQ, dsa, Kt, CS);
    }
#pragma unroll
    for (int hr = 0; hr < 2; hr++) {
        const int i = rowI[hr];
        if (i < T) {
            float* dst = dq + ((long long)b * T + i) * ldQKV + (long long)h * D + 2 * tig;
#pragma unroll
            for (int dt = 0; dt < DT; dt++) {
                dst[8 * dt] = dQ[dt][2 * hr];
                dst[8 * dt + 1] = dQ[dt][2 * hr + 1];
            }
        }
    }
}

template <int D>
__device__ __forceinline__ void attention_backward_dkdv_bf16_impl(const float* __restrict__ dout,
                                                                  const float* __restrict__ q,
                                                                  const float* __restrict__ k,
                                                                  const float* __restrict__ v, const float* keyMask,
                                                                  const float* lse, const float* delta, float* dk,
                                                                  float* dv, int B, int T, int H, int ldQKV,
                                                                  const jb_attention::AttnDropout& drop) {
    constexpr int RSW = D / 2 + 4, NT = TC_COLS / 8, DT = D / 8, KS = D / 16;
    __shared__ __align__(16) unsigned int Qs[TC_COLS * RSW];
    __shared__ __align__(16) unsigned int dOs[TC_COLS * RSW];
    __shared__ __align__(16) unsigned int Qt[D * CS];
    __shared__ __align__(16) unsigned int dOt[D * CS];
    __shared__ float lseS[TC_COLS], deltaS[TC_COLS];

    const int h = blockIdx.y, b = blockIdx.z;
    const long long bh = (long long)b * H + h;
    const int C = H * D;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, tig = lane % 4;
    const int r0 = blockIdx.x * TC_ROWS + warp * 16;  // the warp's first key
    const int keyJ[2] = {r0 + g, r0 + g + 8};
    const bool real[2] = {jb_attention::key_is_real(keyMask, b, T, keyJ[0]),
                          jb_attention::key_is_real(keyMask, b, T, keyJ[1])};
    const float scale = (float)(1.0 / sqrt((double)D));

    unsigned int ka[KS][4], va[KS][4];
    load_a<D>(ka, k, ldQKV, b, T, h, r0);
    load_a<D>(va, v, ldQKV, b, T, h, r0);
    float dK[DT][4], dV[DT][4];
    zero(dK);
    zero(dV);
    const float keptScale = drop.on ? drop.dp.scale : 1.0f;  // the multiplier of a kept element

    for (int i0 = 0; i0 < T; i0 += TC_COLS) {
        __syncthreads();
        stage_rows<D>(Qs, q, ldQKV, b, T, h, i0);
        stage_rows<D>(dOs, dout, C, b, T, h, i0);
        stage_cols<D>(Qt, q, ldQKV, b, T, h, i0);
        stage_cols<D>(dOt, dout, C, b, T, h, i0);
        if (threadIdx.x < TC_COLS) {
            const int i = i0 + threadIdx.x;
            lseS[threadIdx.x] = i < T ? lse[bh * T + i] : INFINITY;
            deltaS[threadIdx.x] = i < T ? delta[bh * T + i] : 0.0f;
        }
        __syncthreads();
        float s[NT][4], dp[NT][4];  // Sᵀ and dPᵀ: rows = the warp's keys, columns = queries
        zero(s);
        zero(dp);
        mma_tile<KS, NT>(s, ka, Qs, RSW);
        mma_tile<KS, NT>(dp, va, dOs, RSW);
        const unsigned int keep = drop.on ? keep_bits_key_rows(drop, bh, T, r0, i0) : 0xffffffffu;
#pragma unroll
        for (int hr = 0; hr < 2; hr++) {
#pragma unroll
            for (int n = 0; n < NT; n++) {
#pragma unroll
                for (int c = 0; c < 2; c++) {
                    const int col = 8 * n + 2 * tig + c;
                    const float p = real[hr] ? expf(__fsub_rn(__fmul_rn(s[n][2 * hr + c], scale), lseS[col])) : 0.0f;
                    const bool kept = ((keep >> (16 * hr + 2 * n + c)) & 1u) != 0;
                    const float dpm = __fmul_rn(dp[n][2 * hr + c], kept ? keptScale : 0.0f);
                    dp[n][2 * hr + c] = __fmul_rn(__fmul_rn(p, __fsub_rn(dpm, deltaS[col])), scale);
                    s[n][2 * hr + c] = kept ? p : 0.0f;  // P ⊙ keep; the 1/(1−p) at the end
                }
            }
        }
        unsigned int pa[NT / 2][4];
        acc_to_a<NT>(pa, s);
        mma_tile<NT / 2, DT>(dV, pa, dOt, CS);
        acc_to_a<NT>(pa, dp);
        mma_tile<NT / 2, DT>(dK, pa, Qt, CS);
    }
#pragma unroll
    for (int hr = 0; hr < 2; hr++) {
        const int j = keyJ[hr];
        if (j < T) {
            const long long o = ((long long)b * T + j) * ldQKV + (long long)h * D + 2 * tig;
#pragma unroll
            for (int dt = 0; dt < DT; dt++) {
                dk[o + 8 * dt] = dK[dt][2 * hr];
                dk[o + 8 * dt + 1] = dK[dt][2 * hr + 1];
                dv[o + 8 * dt] = __fmul_rn(dV[dt][2 * hr], keptScale);
                dv[o + 8 * dt + 1] = __fmul_rn(dV[dt][2 * hr + 1], keptScale);
            }
        }
    }
}

}  // namespace jb_attention_tc

using namespace jb_attention_tc;

// attention_forward_bf16_d32 / attention_forward_bf16_d64
//   grid: (ceil(T/64), H, B), block: 128, shared: static
//   attention_forward_d32/_d64's parameters and results, products on bf16 tensor cores.
#define JB_ATTENTION_FORWARD_BF16(D_)                                                                             \
    extern "C" __global__ void __launch_bounds__(TC_THREADS)                                                     \
    attention_forward_bf16_d##D_(const float* q, const float* k, const float* v, const float* keyMask,           \
                                 float* out, float* lse, float* probs, int B, int T, int H, int ldQKV,           \
                                 unsigned long long seed, unsigned int stream, unsigned long long counter,       \
                                 double p) {                                                                     \
        attention_forward_bf16_impl<D_>(q, k, v, keyMask, out, lse, probs, B, T, H, ldQKV,                       \
                                        make_dropout(seed, stream, counter, p));                                 \
    }
JB_ATTENTION_FORWARD_BF16(32)
JB_EMU_KERNEL(attention_forward_bf16_d32)
JB_ATTENTION_FORWARD_BF16(64)
JB_EMU_KERNEL(attention_forward_bf16_d64)

// attention_backward_delta_bf16
//   grid: (ceil(B·T·H/8)), block: 256 (one warp per (b, t, h)), shared: 0
//   attention_backward_delta with dout rounded to bf16 first, as the bf16 kernels' dP = dout·vᵀ
//   sees it: Δ_i then matches Σ_j P_ij·dP_ij of those kernels, so dS = P ⊙ (dP − Δ) cancels where it
//   should (a row with one real key gets dS = 0 exactly as in exact arithmetic, not the bf16
//   rounding of dout times v).
extern "C" __global__ void __launch_bounds__(256)
attention_backward_delta_bf16(const float* dout, const float* out, float* delta, int B, int T, int H, int D) {
    const long long idx = (long long)blockIdx.x * 8 + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (idx >= (long long)B * T * H) return;
    const int h = (int)(idx % H);
    const long long bt = idx / H;  // b·T + t
    const int t = (int)(bt % T), b = (int)(bt / T);
    const long long off = bt * H * D + (long long)h * D;
    float s = 0.0f;
    for (int d = lane; d < D; d += 32) {
        s = fmaf(bf16_round(dout[off + d]), out[off + d], s);
    }
    s = warp_sum(s);
    if (lane == 0) delta[((long long)b * H + h) * T + t] = s;
}
JB_EMU_KERNEL(attention_backward_delta_bf16)

// attention_backward_dkdv_bf16_d32 / attention_backward_dkdv_bf16_d64
//   grid: (ceil(T/64), H, B) over key tiles, block: 128, shared: static
//   attention_backward_dkdv_d32/_d64's parameters and results, products on bf16 tensor cores.
#define JB_ATTENTION_BACKWARD_DKDV_BF16(D_)                                                                       \
    extern "C" __global__ void __launch_bounds__(TC_THREADS)                                                     \
    attention_backward_dkdv_bf16_d##D_(const float* dout, const float* q, const float* k, const float* v,         \
                                       const float* keyMask, const float* lse, const float* delta, float* dk,     \
                                       float* dv, int B, int T, int H, int ldQKV, unsigned long long seed,        \
                                       unsigned int stream, unsigned long long counter, double p) {              \
        attention_backward_dkdv_bf16_impl<D_>(dout, q, k, v, keyMask, lse, delta, dk, dv, B, T, H, ldQKV,        \
                                              make_dropout(seed, stream, counter, p));                           \
    }
JB_ATTENTION_BACKWARD_DKDV_BF16(32)
JB_EMU_KERNEL(attention_backward_dkdv_bf16_d32)
JB_ATTENTION_BACKWARD_DKDV_BF16(64)
JB_EMU_KERNEL(attention_backward_dkdv_bf16_d64)

// attention_backward_dq_bf16_d32 / attention_backward_dq_bf16_d64
//   grid: (ceil(T/64), H, B) over query tiles, block: 128, shared: static
//   attention_backward_dq_d32/_d64's parameters and results, products on bf16 tensor cores.
#define JB_ATTENTION_BACKWARD_DQ_BF16(D_)                                                                         \
    extern "C" __global__ void __launch_bounds__(TC_THREADS)                                                     \
    attention_backward_dq_bf16_d##D_(const float* dout, const float* q, const float* k, const float* v,           \
                                     const float* keyMask, const float* lse, const float* delta, float* dq,       \
                                     int B, int T, int H, int ldQKV, unsigned long long seed,                     \
                                     unsigned int stream, unsigned long long counter, double p) {                \
        attention_backward_dq_bf16_impl<D_>(dout, q, k, v, keyMask, lse, delta, dq, B, T, H, ldQKV,              \
                                            make_dropout(seed, stream, counter, p));                             \
    }
JB_ATTENTION_BACKWARD_DQ_BF16(32)
JB_EMU_KERNEL(attention_backward_dq_bf16_d32)
JB_ATTENTION_BACKWARD_DQ_BF16(64)
JB_EMU_KERNEL(attention_backward_dq_bf16_d64)
