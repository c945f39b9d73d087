// Float32 GEMMs of the linear layer on CUDA cores (the reference GPU version; gemm_tc.cu has the
// tensor-core ones), the bias gradient and the split-K reduction.
//
// Algorithm: the classic shared-memory tiled SGEMM. A block of 256 threads computes a 128×128
// tile of C; the reduction runs in steps of BK = 16: the next A and B tiles are loaded from global
// memory into registers while the current ones (in shared memory, double buffered) are consumed,
// so one __syncthreads per step. Each thread owns an 8×8 piece of C, as two 4-row by two 4-column
// groups (rows ty·4.. and 64+ty·4.., columns tx·4.. and 64+tx·4..) so that its shared-memory reads
// are float4 broadcasts without bank conflicts. Edges: out-of-range elements of A and B load as 0
// and out-of-range elements of C are not stored, so any M, N, K work (no multiple-of-tile rule,
// no alignment rule). Shapes are int; M·N, M·K, N·K < 2³¹.
//
// Expected limit: FP32 FMA peak of an H100 SXM is ~67 TFLOP/s; this design typically reaches
// 50–70% of it on large shapes (smem-bandwidth and issue bound). Not measured yet (no GPU run).

#include "gemm_common.cuh"

using namespace jb;

// A named namespace, not an anonymous one: nvcc mangles internal-linkage names with a hash of
// the source path, which would make the PTX depend on where the repository lives.
namespace jb_gemm_f32 {

constexpr int BM = 128, BN = 128, BK = 16, THREADS = 256;
constexpr int PAD = 4;  // row stride BM+4: 16-byte aligned rows, fewer bank conflicts on the stores

// Loads the BK×128 tile of an operand into registers: element (k, r) for k < BK, r < 128 of
// op(i, k) = KC ? p[i·ld + k] : p[k·ld + i], rows i from i0, reduction from k0; 0 outside.
template <bool KC>
__device__ __forceinline__ void load_tile(const float* __restrict__ p, int ld, int rows, int kEnd, int i0, int k0,
                                          float (&r)[8]) {
    int t = threadIdx.x;
#pragma unroll
    for (int s = 0; s < 8; s++) {
        int kk, ii;
        if (KC) {
            kk = t % BK;
            ii = t / BK + 16 * s;
        } else {
            ii = t % 128;
            kk = t / 128 + 2 * s;
        }
        int gi = i0 + ii, gk = k0 + kk;
        r[s] = (gi < rows && gk < kEnd) ? p[KC ? (long long)gi * ld + gk : (long long)gk * ld + gi] : 0.0f;
    }
}

template <bool KC>
__device__ __forceinline__ void store_tile(float (*s)[BM + PAD], const float (&r)[8]) {
    int t = threadIdx.x;
#pragma unroll
    for (int q = 0; q < 8; q++) {
        int kk, ii;
        if (KC) {
            kk = t % BK;
            ii = t / BK + 16 * q;
        } else {
            ii = t % 128;
            kk = t / 128 + 2 * q;
        }
        s[kk][ii] = r[q];
    }
}

// C[Mg,Ng] = A·B over k in this block's split, then the epilogue. grid (ceil(Ng/128),
// ceil(Mg/128), splits), block 256.
template <bool A_KC, bool B_KC>
__device__ __forceinline__ void gemm_f32_tile(const float* __restrict__ a, int lda, const float* __restrict__ b,
                                              int ldb, int Mg, int Ng, int Kg, int kChunk, const Epilogue& ep) {
    // A and B tiles, double buffered; reused at the end to stage C for the epilogue (64×128).
    __shared__ __align__(16) float smem[2 * BK * (BM + PAD) + 2 * BK * (BN + PAD)];
    float (*As)[BK][BM + PAD] = reinterpret_cast<float (*)[BK][BM + PAD]>(smem);
    float (*Bs)[BK][BN + PAD] = reinterpret_cast<float (*)[BK][BN + PAD]>(smem + 2 * BK * (BM + PAD));

    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    int kBegin, kEnd;
    split_range(Kg, kChunk, kBegin, kEnd);
    const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;

    float acc[8][8];
#pragma unroll
    for (int i = 0; i < 8; i++)
#pragma unroll
        for (int j = 0; j < 8; j++) acc[i][j] = 0.0f;

    float ra[8], rb[8];
    load_tile<A_KC>(a, lda, Mg, kEnd, m0, kBegin, ra);
    load_tile<B_KC>(b, ldb, Ng, kEnd, n0, kBegin, rb);
    store_tile<A_KC>(As[0], ra);
    store_tile<B_KC>(Bs[0], rb);
    __syncthreads();

    int buf = 0;
    for (int k0 = kBegin; k0 < kEnd; k0 += BK) {
        const bool more = k0 + BK < kEnd;
        if (more) {
            load_tile<A_KC>(a, lda, Mg, kEnd, m0, k0 + BK, ra);
            load_tile<B_KC>(b, ldb, Ng, kEnd, n0, k0 + BK, rb);
        }
#pragma unroll
        for (int kk = 0; kk < BK; kk++) {
            float4 a0 = *reinterpret_cast<const float4*>(&As[buf][kk][ty * 4]);
            float4 a1 = *reinterpret_cast<const float4*>(&As[buf][kk][64 + ty * 4]);
            float4 b0 = *reinterpret_cast<const float4*>(&Bs[buf][kk][tx * 4]);
            float4 b1 = *reinterpret_cast<const float4*>(&Bs[buf][kk][64 + tx * 4]);
            float av[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
            float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
            for (int i = 0; i < 8; i++)
#pragma unroll
                for (int j = 0; j < 8; j++) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
        }
        if (more) {
            store_tile<A_KC>(As[buf ^ 1], ra);
            store_tile<B_KC>(Bs[buf ^ 1], rb);
        }
        __syncthreads();
        buf ^= 1;
    }

    // Epilogue in two halves of 64 rows: rows ty·4+i (i < 4) then 64+ty·4+i, staged through
    // shared memory (the loop above ended with __syncthreads, so the tiles are free).
#pragma unroll
    for (int h = 0; h < 2; h++) {
#pragma unroll
        for (int i = 0; i < 4; i++) {
            float* row = smem + (ty * 4 + i) * 128;
            *reinterpret_cast<float4*>(row + tx * 4) =
                make_float4(acc[4 * h + i][0], acc[4 * h + i][1], acc[4 * h + i][2], acc[4 * h + i][3]);
            *reinterpret_cast<float4*>(row + 64 + tx * 4) =
                make_float4(acc[4 * h + i][4], acc[4 * h + i][5], acc[4 * h + i][6], acc[4 * h + i][7]);
        }
        __syncthreads();
        epilogue_rows(ep, smem, 128, 64, m0 + 64 * h, n0, Mg, Ng);
        __syncthreads();
    }
}

}  // namespace jb_gemm_f32

using namespace jb_gemm_f32;

// linear_forward_f32
//   grid: (ceil(N/128), ceil(M/128), 1), block: 256, shared: 33,792 B static
//   out[M,N] = act(x[M,K]·w[N,K]ᵀ + bias[N]); preact[M,N] (nullable) receives x·wᵀ + bias before
//   the activation. bias nullable. act: Activation ordinal. out must not alias x or w.
// (One block per SM: the activation epilogue needs ~200 registers next to the live accumulators;
// capped at 128 for two blocks per SM it would spill.)
extern "C" __global__ void __launch_bounds__(THREADS, 1)
linear_forward_f32(const float* x, const float* w, const float* bias, float* preact, float* out, int M, int N,
                   int K, int act) {
    Epilogue ep{bias, preact, out, nullptr, N, act, 0, 0};
    gemm_f32_tile<true, true>(x, K, w, K, M, N, K, K, ep);
}
JB_EMU_KERNEL(linear_forward_f32)

// linear_backward_input_f32
//   grid: (ceil(K/128), ceil(M/128), 1), block: 256, shared: 33,792 B static
//   dx[M,K] = dy[M,N]·w[N,K] (accumulate = 0) or dx += dy·w (accumulate = 1).
extern "C" __global__ void __launch_bounds__(THREADS, 2)
linear_backward_input_f32(const float* dy, const float* w, float* dx, int M, int N, int K, int accumulate) {
    Epilogue ep{nullptr, nullptr, dx, nullptr, K, ACT_NONE, accumulate, 0};
    gemm_f32_tile<true, false>(dy, N, w, K, M, K, N, N, ep);
}
JB_EMU_KERNEL(linear_backward_input_f32)

// linear_backward_weight_f32
//   grid: (ceil(K/128), ceil(N/128), splits), block: 256, shared: 33,792 B static
//   dw[N,K] += dy[M,N]ᵀ·x[M,K]. Split-K over the M rows: splits = ceil(M / kChunk), kChunk a
//   multiple of 16. splits == 1: dw is updated directly (partial unused, may be null).
//   splits > 1: partial[splits][N][K] receives each slice's product and splitk_reduce(partial, dw,
//   splits, N·K) must follow (deterministic, no atomics).
extern "C" __global__ void __launch_bounds__(THREADS, 2)
linear_backward_weight_f32(const float* dy, const float* x, float* dw, float* partial, int M, int N, int K,
                           int kChunk) {
    Epilogue ep{nullptr, nullptr, dw, partial, K, ACT_NONE, 1, (long long)N * K};
    gemm_f32_tile<false, false>(dy, N, x, K, N, K, M, kChunk, ep);
}
JB_EMU_KERNEL(linear_backward_weight_f32)

// bias_grad
//   grid: (ceil(N/32), slabs), block: (32, 8), shared: 1,024 B static
//   db[N] += Σ_m dy[m, n] over the M rows. Rows are cut into `slabs` = gridDim.y fixed slices
//   (row range [M·s/slabs, M·(s+1)/slabs)); each thread sums a column over every 8th row of its
//   slice, the 8 partial sums are added in a fixed order. slabs == 1: db is updated directly
//   (partial may be null); slabs > 1: partial[slabs][N] receives the slice sums and
//   splitk_reduce(partial, db, slabs, N) must follow. Deterministic. Use slabs ≈ 2·132·8/ceil(N/32)
//   clamped to [1, M].
extern "C" __global__ void __launch_bounds__(256)
bias_grad(const float* dy, float* db, float* partial, int M, int N) {
    __shared__ float sum[8][32];
    int c = blockIdx.x * 32 + threadIdx.x;
    int slabs = gridDim.y, s = blockIdx.y;
    int r0 = (int)((long long)M * s / slabs), r1 = (int)((long long)M * (s + 1) / slabs);
    float acc = 0.0f;
    if (c < N) {
        for (int r = r0 + threadIdx.y; r < r1; r += 8) acc += dy[(long long)r * N + c];
    }
    sum[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && c < N) {
        float t = sum[0][threadIdx.x];
#pragma unroll
        for (int q = 1; q < 8; q++) t += sum[q][threadIdx.x];
        if (slabs == 1) {
            db[c] += t;
        } else {
            partial[(long long)s * N + c] = t;
        }
    }
}
JB_EMU_KERNEL(bias_grad)

// splitk_reduce
//   grid: any (grid-stride), block: 256, shared: 0
//   out[i] += Σ_{s < splits} partial[s·n + i] for i < n, s in increasing order (deterministic).
extern "C" __global__ void __launch_bounds__(256)
splitk_reduce(const float* partial, float* out, int splits, int n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        float t = partial[i];
        for (int s = 1; s < splits; s++) t += partial[(long long)s * n + i];
        out[i] += t;
    }
}
JB_EMU_KERNEL(splitk_reduce)
