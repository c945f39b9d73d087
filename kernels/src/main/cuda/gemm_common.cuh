// What the GEMM kernels of gemm_f32.cu and gemm_tc.cu share: how the three products of a linear
// layer map onto one C = A·B, and the fused epilogue.
//
// A linear layer y[M,N] = x[M,K]·w[N,K]ᵀ + b needs three products; each is C[Mg,Ng] = A·B over a
// reduction of length Kg, with operands read in place (no transposed copies):
//
//   forward   C = y [M,N]    A(i,k) = x[i·K + k]   (k contiguous)   B(k,j) = w[j·K + k]  (k contiguous)
//   dX        C = dx[M,K]    A(i,k) = dy[i·N + k]  (k contiguous)   B(k,j) = w[k·K + j]  (j contiguous)
//   dW        C = dw[N,K]    A(i,k) = dy[k·N + i]  (i contiguous)   B(k,j) = x[k·K + j]  (j contiguous)
//
// A template flag says per operand whether the reduction index k is the contiguous one ("KC").
#pragma once

#include "common.cuh"

namespace jb {

// The epilogue of every GEMM, applied to one accumulated value v = Σ_k A(i,k)·B(k,j) at (i, j):
//   split-K partial (partial != null and gridDim.z > 1): partial[z][i][j] = v, nothing else;
//   otherwise v += bias[j] (bias != null); preact[i][j] = v (preact != null); v = act(v);
//   out[i][j] = accumulate ? out[i][j] + v : v.
struct Epilogue {
    const float* bias;
    float* preact;
    float* out;
    float* partial;
    int ldc;         // row stride of out, preact and partial (= Ng)
    int act;         // Activation ordinal
    int accumulate;  // 0: overwrite out, 1: add to out
    long long partialStride;  // elements per split slice of partial (= Mg·Ng)
};

JB_DEVICE void epilogue_store(const Epilogue& e, int i, int j, float v) {
    long long o = (long long)i * e.ldc + j;
    if (e.partial != nullptr && gridDim.z > 1) {
        e.partial[blockIdx.z * e.partialStride + o] = v;
        return;
    }
    if (e.bias != nullptr) v = __fadd_rn(v, e.bias[j]);
    if (e.preact != nullptr) e.preact[o] = v;
    v = activate(e.act, v);
    if (e.accumulate) v = __fadd_rn(e.out[o], v);
    e.out[o] = v;
}

// Writes rows [rowOff, rowOff + rows) of a block's C tile (staged in shared memory as
// stage[r·stride + c], r < rows, c < 128) through the epilogue: consecutive threads take
// consecutive columns, so global stores are coalesced, and the loop is not unrolled, so the
// activation code (double precision, sizeable) exists once in the kernel.
JB_DEVICE void epilogue_rows(const Epilogue& e, const float* stage, int stride, int rows, int i0, int j0, int Mg,
                             int Ng) {
#pragma unroll 1
    for (int q = threadIdx.x; q < rows * 128; q += blockDim.x) {
        int r = q >> 7, c = q & 127;
        int gi = i0 + r, gj = j0 + c;
        if (gi < Mg && gj < Ng) epilogue_store(e, gi, gj, stage[r * stride + c]);
    }
}

// The k range [kBegin, kEnd) of this block's split (blockIdx.z) when the reduction is cut into
// slices of kChunk (kChunk >= Kg: one slice).
JB_DEVICE void split_range(int Kg, int kChunk, int& kBegin, int& kEnd) {
    long long b = (long long)blockIdx.z * kChunk;
    long long e = b + kChunk;
    kBegin = (int)(b < Kg ? b : Kg);
    kEnd = (int)(e < Kg ? e : Kg);
}

}  // namespace jb
