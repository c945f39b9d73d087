// Tensor-core GEMMs of the linear layer: TF32 and BF16 inputs, FP32 accumulation, through the
// warp-level mma.sync instructions (inline PTX, sm_80+):
//   tf32: mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32   (operands rounded with cvt.rna.tf32.f32)
//   bf16: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32  (operands rounded with cvt.rn.bf16x2.f32)
// Operands stay float32 in global memory (the master copies); they are rounded to tf32 / bf16
// while being staged into shared memory, so the host needs no extra buffers. The products,
// operand layouts and epilogue are those of gemm_f32.cu (see gemm_common.cuh).
//
// (The mma.sync and cvt helpers live in tensor_core.cuh; under -DJB_EMULATE the CPU emulator replaces them.)
//
// Tiling: a block of 256 threads (8 warps, 2 along M × 4 along N) computes a 128×128 tile of C;
// each warp a 64×32 piece = 4×4 mma tiles of 16×8, 64 fp32 accumulators per thread. The
// reduction advances by 16 32-bit "k-words" per step (16 tf32 values or 32 bf16 values packed in
// pairs: two mma k-steps either way). Shared memory holds each operand tile in one of two layouts,
// chosen by where the operand is contiguous in global memory, both free of bank conflicts for
// the fragment reads:
//   k contiguous:  word (row, kw) at row·20 + kw     (128 rows × 16 words, 4 words of padding)
//   row contiguous: word (row, kw) at kw·136 + row   (16 k-words × 128 rows, 8 words of padding)
// The next tile is loaded from global memory into registers (float4 when aligned and inside the
// matrix, guarded scalars at the edges) while the current one is multiplied; shared memory is
// double buffered, one __syncthreads per step. Any M, N, K; no alignment required.
//
// Expected limit: dense peaks of an H100 SXM are 989 TFLOP/s bf16 and 494 TFLOP/s tf32 (with
// wgmma; mma.sync reaches roughly 60–70% of them on Hopper at best). This v1 keeps the operands in
// fp32 (8 bytes of global traffic per bf16 multiply-add pair instead of 4), stages through
// registers instead of cp.async and runs 8 warps per SM, so expect 25–45% of the bf16 peak on
// large BERT shapes. Not measured yet (no GPU run): docs/kernels-cuda.md lists the next steps.

#include "gemm_common.cuh"
#include "tensor_core.cuh"

using namespace jb;

// A named namespace, not an anonymous one: nvcc mangles internal-linkage names with a hash of
// the source path, which would make the PTX depend on where the repository lives.
namespace jb_gemm_tc {

constexpr int BM = 128, BN = 128, KW = 16, THREADS = 256;
constexpr int KC_STRIDE = KW + 4;     // words per row, layout "k contiguous"
constexpr int MN_STRIDE = BM + 8;     // words per k-word row, layout "row contiguous"
constexpr int TILE_WORDS = BM * KC_STRIDE;  // >= KW * MN_STRIDE; one operand tile, either layout

enum Precision { TF32 = 0, BF16 = 1 };

// Word (row, kw) of a staged operand tile.
template <bool KC>
__device__ __forceinline__ unsigned int tile_word(const unsigned int* s, int row, int kw) {
    return KC ? s[row * KC_STRIDE + kw] : s[kw * MN_STRIDE + row];
}

// Four consecutive elements along the contiguous dimension of op(i, k) = KC ? p[i·ld + k] :
// p[k·ld + i], starting at (i, k) (KC: k..k+3 of row i; else: rows i..i+3 at k). Outside
// i < rows, k < kEnd: 0.
template <bool KC>
__device__ __forceinline__ float4 load4(const float* __restrict__ p, int ld, bool vec, int rows, int kEnd, int i,
                                        int k) {
    const long long base = KC ? (long long)i * ld + k : (long long)k * ld + i;
    const bool inOther = KC ? i < rows : k < kEnd;
    const int c = KC ? k : i;                 // index along the contiguous dimension
    const int cEnd = KC ? kEnd : rows;
    if (!inOther) return make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    if (vec && c + 3 < cEnd) return __ldg(reinterpret_cast<const float4*>(p + base));
    float4 v;
    v.x = c < cEnd ? p[base] : 0.0f;
    v.y = c + 1 < cEnd ? p[base + 1] : 0.0f;
    v.z = c + 2 < cEnd ? p[base + 2] : 0.0f;
    v.w = c + 3 < cEnd ? p[base + 3] : 0.0f;
    return v;
}

// Raw float4s of one operand tile in flight: tf32 needs 2 per thread, bf16 4.
template <int P>
struct Stage {
    float4 v[P == TF32 ? 2 : 4];
};

// Global -> registers: the tile of rows [i0, i0+128), k-words [kw0, kw0+16) (elements from
// k0 = kw0 for tf32, 2·kw0 for bf16).
template <int P, bool KC>
__device__ __forceinline__ void load_stage(Stage<P>& st, const float* __restrict__ p, int ld, bool vec, int rows,
                                           int kEnd, int i0, int k0) {
    const int t = threadIdx.x;
    if (P == TF32) {
#pragma unroll
        for (int s = 0; s < 2; s++) {
            if (KC) {  // 128 rows × 4 float4 along k
                st.v[s] = load4<true>(p, ld, vec, rows, kEnd, i0 + t / 4 + 64 * s, k0 + 4 * (t % 4));
            } else {   // 16 k × 32 float4 along rows
                st.v[s] = load4<false>(p, ld, vec, rows, kEnd, i0 + 4 * (t % 32), k0 + t / 32 + 8 * s);
            }
        }
    } else {
#pragma unroll
        for (int s = 0; s < 4; s++) {
            if (KC) {  // 128 rows × 8 float4 along k (32 bf16 = 16 words)
                st.v[s] = load4<true>(p, ld, vec, rows, kEnd, i0 + t / 8 + 32 * s, k0 + 4 * (t % 8));
            } else {   // 16 k-word rows (32 k) × 32 float4 along rows: element rows 2kw and 2kw+1
                int kw = t / 32 + 8 * (s / 2);
                st.v[s] = load4<false>(p, ld, vec, rows, kEnd, i0 + 4 * (t % 32), k0 + 2 * kw + (s % 2));
            }
        }
    }
}

// Registers -> shared memory, rounding to tf32 / bf16.
template <int P, bool KC>
__device__ __forceinline__ void store_stage(const Stage<P>& st, unsigned int* s) {
    const int t = threadIdx.x;
    if (P == TF32) {
#pragma unroll
        for (int q = 0; q < 2; q++) {
            uint4 w = make_uint4(to_tf32(st.v[q].x), to_tf32(st.v[q].y), to_tf32(st.v[q].z), to_tf32(st.v[q].w));
            if (KC) {
                *reinterpret_cast<uint4*>(s + (t / 4 + 64 * q) * KC_STRIDE + 4 * (t % 4)) = w;
            } else {
                *reinterpret_cast<uint4*>(s + (t / 32 + 8 * q) * MN_STRIDE + 4 * (t % 32)) = w;
            }
        }
    } else {
        if (KC) {
#pragma unroll
            for (int q = 0; q < 4; q++) {
                uint2 w = make_uint2(to_bf16x2(st.v[q].x, st.v[q].y), to_bf16x2(st.v[q].z, st.v[q].w));
                *reinterpret_cast<uint2*>(s + (t / 8 + 32 * q) * KC_STRIDE + 2 * (t % 8)) = w;
            }
        } else {
#pragma unroll
            for (int q = 0; q < 2; q++) {
                const float4& e = st.v[2 * q];      // k = 2kw     (low halves)
                const float4& o = st.v[2 * q + 1];  // k = 2kw + 1 (high halves)
                uint4 w = make_uint4(to_bf16x2(e.x, o.x), to_bf16x2(e.y, o.y), to_bf16x2(e.z, o.z),
                                     to_bf16x2(e.w, o.w));
                *reinterpret_cast<uint4*>(s + (t / 32 + 8 * q) * MN_STRIDE + 4 * (t % 32)) = w;
            }
        }
    }
}

template <int P, bool A_KC, bool B_KC>
__device__ __forceinline__ void gemm_tc_tile(const float* __restrict__ a, int lda, const float* __restrict__ b,
                                             int ldb, int Mg, int Ng, int Kg, int kChunk, const Epilogue& ep) {
    // [stage][A|B][TILE_WORDS]; reused at the end to stage C (64 × 136 floats).
    __shared__ __align__(16) unsigned int smem[2 * 2 * TILE_WORDS];

    constexpr int KSTEP = P == TF32 ? KW : 2 * KW;  // elements of k per step
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    int kBegin, kEnd;
    split_range(Kg, kChunk, kBegin, kEnd);

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int wm = warp / 4, wn = warp % 4;  // warp tile: rows wm·64.., columns wn·32..
    const int g = lane / 4, tig = lane % 4;

    // float4 loads need 16-byte aligned rows and tile starts (kBegin is one when kChunk % 4 == 0)
    const bool vecA = (lda % 4 == 0) && (kBegin % 4 == 0) && ((reinterpret_cast<unsigned long long>(a) & 15) == 0);
    const bool vecB = (ldb % 4 == 0) && (kBegin % 4 == 0) && ((reinterpret_cast<unsigned long long>(b) & 15) == 0);

    float acc[4][4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++)
#pragma unroll
            for (int r = 0; r < 4; r++) acc[i][j][r] = 0.0f;

    Stage<P> sa, sb;
    load_stage<P, A_KC>(sa, a, lda, vecA, Mg, kEnd, m0, kBegin);
    load_stage<P, B_KC>(sb, b, ldb, vecB, Ng, kEnd, n0, kBegin);
    store_stage<P, A_KC>(sa, smem);
    store_stage<P, B_KC>(sb, smem + TILE_WORDS);
    __syncthreads();

    int buf = 0;
    for (int k0 = kBegin; k0 < kEnd; k0 += KSTEP) {
        const bool more = k0 + KSTEP < kEnd;
        if (more) {
            load_stage<P, A_KC>(sa, a, lda, vecA, Mg, kEnd, m0, k0 + KSTEP);
            load_stage<P, B_KC>(sb, b, ldb, vecB, Ng, kEnd, n0, k0 + KSTEP);
        }
        const unsigned int* As = smem + buf * 2 * TILE_WORDS;
        const unsigned int* Bs = As + TILE_WORDS;
#pragma unroll
        for (int kw0 = 0; kw0 < KW; kw0 += 8) {
            unsigned int af[4][4], bf[4][2];
#pragma unroll
            for (int mt = 0; mt < 4; mt++) {
                int r = wm * 64 + mt * 16 + g;
                af[mt][0] = tile_word<A_KC>(As, r, kw0 + tig);
                af[mt][1] = tile_word<A_KC>(As, r + 8, kw0 + tig);
                af[mt][2] = tile_word<A_KC>(As, r, kw0 + tig + 4);
                af[mt][3] = tile_word<A_KC>(As, r + 8, kw0 + tig + 4);
            }
#pragma unroll
            for (int nt = 0; nt < 4; nt++) {
                int n = wn * 32 + nt * 8 + g;
                bf[nt][0] = tile_word<B_KC>(Bs, n, kw0 + tig);
                bf[nt][1] = tile_word<B_KC>(Bs, n, kw0 + tig + 4);
            }
#pragma unroll
            for (int mt = 0; mt < 4; mt++)
#pragma unroll
                for (int nt = 0; nt < 4; nt++) {
                    if (P == TF32) {
                        mma_tf32(acc[mt][nt], af[mt], bf[nt]);
                    } else {
                        mma_bf16(acc[mt][nt], af[mt], bf[nt]);
                    }
                }
        }
        if (more) {
            unsigned int* next = smem + (buf ^ 1) * 2 * TILE_WORDS;
            store_stage<P, A_KC>(sa, next);
            store_stage<P, B_KC>(sb, next + TILE_WORDS);
        }
        __syncthreads();
        buf ^= 1;
    }

    // Epilogue: the warps of row half h (wm == h) stage their accumulators as 64 × 136 floats,
    // then the whole block applies the epilogue to those 64 rows.
    float* stage = reinterpret_cast<float*>(smem);
    constexpr int STAGE_STRIDE = 136;
#pragma unroll
    for (int h = 0; h < 2; h++) {
        if (wm == h) {
#pragma unroll
            for (int mt = 0; mt < 4; mt++)
#pragma unroll
                for (int nt = 0; nt < 4; nt++) {
                    int r = mt * 16 + g, c = wn * 32 + nt * 8 + 2 * tig;
                    *reinterpret_cast<float2*>(stage + r * STAGE_STRIDE + c) =
                        make_float2(acc[mt][nt][0], acc[mt][nt][1]);
                    *reinterpret_cast<float2*>(stage + (r + 8) * STAGE_STRIDE + c) =
                        make_float2(acc[mt][nt][2], acc[mt][nt][3]);
                }
        }
        __syncthreads();
        epilogue_rows(ep, stage, STAGE_STRIDE, 64, m0 + 64 * h, n0, Mg, Ng);
        __syncthreads();
    }
}

}  // namespace jb_gemm_tc

using namespace jb_gemm_tc;

// The entry points. Launch for all of them: block 256 threads, shared memory 40,960 B static;
// grid as named. kChunk (weight gradients): any positive value; a multiple of 32 keeps every
// split on whole steps and float4 loads.

// linear_forward_tf32 / linear_forward_bf16
//   grid: (ceil(N/128), ceil(M/128), 1)
//   out[M,N] = act(x[M,K]·w[N,K]ᵀ + bias[N]), products in tf32 / bf16 with fp32 accumulation;
//   preact (nullable) receives x·wᵀ + bias; bias nullable; act: Activation ordinal.
extern "C" __global__ void __launch_bounds__(THREADS, 1)
linear_forward_tf32(const float* x, const float* w, const float* bias, float* preact, float* out, int M, int N,
                    int K, int act) {
    Epilogue ep{bias, preact, out, nullptr, N, act, 0, 0};
    gemm_tc_tile<TF32, true, true>(x, K, w, K, M, N, K, K, ep);
}
JB_EMU_KERNEL(linear_forward_tf32)

extern "C" __global__ void __launch_bounds__(THREADS, 1)
linear_forward_bf16(const float* x, const float* w, const float* bias, float* preact, float* out, int M, int N,
                    int K, int act) {
    Epilogue ep{bias, preact, out, nullptr, N, act, 0, 0};
    gemm_tc_tile<BF16, true, true>(x, K, w, K, M, N, K, K, ep);
}
JB_EMU_KERNEL(linear_forward_bf16)

// linear_backward_input_tf32 / linear_backward_input_bf16
//   grid: (ceil(K/128), ceil(M/128), 1)
//   dx[M,K] = dy[M,N]·w[N,K] (accumulate = 0) or dx += dy·w (accumulate = 1).
extern "C" __global__ void __launch_bounds__(THREADS, 1)
linear_backward_input_tf32(const float* dy, const float* w, float* dx, int M, int N, int K, int accumulate) {
    Epilogue ep{nullptr, nullptr, dx, nullptr, K, ACT_NONE, accumulate, 0};
    gemm_tc_tile<TF32, true, false>(dy, N, w, K, M, K, N, N, ep);
}
JB_EMU_KERNEL(linear_backward_input_tf32)

extern "C" __global__ void __launch_bounds__(THREADS, 1)
linear_backward_input_bf16(const float* dy, const float* w, float* dx, int M, int N, int K, int accumulate) {
    Epilogue ep{nullptr, nullptr, dx, nullptr, K, ACT_NONE, accumulate, 0};
    gemm_tc_tile<BF16, true, false>(dy, N, w, K, M, K, N, N, ep);
}
JB_EMU_KERNEL(linear_backward_input_bf16)

// linear_backward_weight_tf32 / linear_backward_weight_bf16
//   grid: (ceil(K/128), ceil(N/128), splits), splits = ceil(M/kChunk)
//   dw[N,K] += dy[M,N]ᵀ·x[M,K]; splits > 1: partial[splits][N][K] gets the slices, then
//   splitk_reduce(partial, dw, splits, N·K) (gemm_f32.ptx) must follow.
extern "C" __global__ void __launch_bounds__(THREADS, 1)
linear_backward_weight_tf32(const float* dy, const float* x, float* dw, float* partial, int M, int N, int K,
                            int kChunk) {
    Epilogue ep{nullptr, nullptr, dw, partial, K, ACT_NONE, 1, (long long)N * K};
    gemm_tc_tile<TF32, false, false>(dy, N, x, K, N, K, M, kChunk, ep);
}
JB_EMU_KERNEL(linear_backward_weight_tf32)

extern "C" __global__ void __launch_bounds__(THREADS, 1)
linear_backward_weight_bf16(const float* dy, const float* x, float* dw, float* partial, int M, int N, int K,
                            int kChunk) {
    Epilogue ep{nullptr, nullptr, dw, partial, K, ACT_NONE, 1, (long long)N * K};
    gemm_tc_tile<BF16, false, false>(dy, N, x, K, N, K, M, kChunk, ep);
}
JB_EMU_KERNEL(linear_backward_weight_bf16)
