// Embedding lookup (word + position + token type, dev.jbert.engine.nn.Embeddings) and its
// backward: scatter-add into the word table with atomicAdd (skipping the pad row, PyTorch's
// padding_idx), and deterministic sums for the position and token-type tables, which every row
// hits (atomics there would serialise B·T ways on the same addresses).
//
// Rows are the B·T tokens, row r has position r % T (no position offset, as the CPU side).
// Memory bound; the lookup moves ~16 bytes per output element (~40 µs for 16384 × 768 on an
// H100 SXM). The word-table backward is not deterministic (float atomics in any order); the
// position and token-type ones are. Not measured yet (no GPU run).

#include "common.cuh"

using namespace jb;

// embedding_forward
//   grid: (B·T), block: 128, shared: 0
//   out[r, c] = (word[ids[r], c] + type[types[r], c]) + pos[r % T, c] (Hugging Face's order)
//   for r < B·T, c < C; without a type table (type == null, DistilBERT) word + pos. typeIds
//   nullable: all type 0. Ids must be valid (checked by the host).
extern "C" __global__ void __launch_bounds__(128)
embedding_forward(const int* ids, const int* typeIds, const float* word, const float* pos, const float* type,
                  float* out, int B, int T, int C) {
    const int r = blockIdx.x;
    if (r >= B * T) return;
    const float* w = word + (long long)ids[r] * C;
    const float* p = pos + (long long)(r % T) * C;
    float* o = out + (long long)r * C;
    if (type != nullptr) {
        const float* tt = type + (long long)(typeIds == nullptr ? 0 : typeIds[r]) * C;
        for (int c = threadIdx.x; c < C; c += blockDim.x) o[c] = __fadd_rn(__fadd_rn(w[c], tt[c]), p[c]);
    } else {
        for (int c = threadIdx.x; c < C; c += blockDim.x) o[c] = __fadd_rn(w[c], p[c]);
    }
}
JB_EMU_KERNEL(embedding_forward)

// embedding_backward_word
//   grid: (B·T), block: 128, shared: 0
//   dword[ids[r], c] += dsum[r, c] for every row r whose id is not padId (padId < 0: none
//   skipped). atomicAdd: rows with the same id may run at once; the summation order varies.
extern "C" __global__ void __launch_bounds__(128)
embedding_backward_word(const int* ids, const float* dsum, float* dword, int rows, int C, int padId) {
    const int r = blockIdx.x;
    if (r >= rows) return;
    const int id = ids[r];
    if (id == padId) return;
    const float* d = dsum + (long long)r * C;
    float* w = dword + (long long)id * C;
    for (int c = threadIdx.x; c < C; c += blockDim.x) atomicAdd(w + c, d[c]);
}
JB_EMU_KERNEL(embedding_backward_word)

// embedding_backward_position
//   grid: (ceil(C/128), T), block: 128, shared: 0
//   dpos[t, c] += Σ_b dsum[b·T + t, c], b in increasing order (deterministic).
extern "C" __global__ void __launch_bounds__(128)
embedding_backward_position(const float* dsum, float* dpos, int B, int T, int C) {
    const int c = blockIdx.x * blockDim.x + threadIdx.x, t = blockIdx.y;
    if (c >= C) return;
    float s = 0.0f;
    for (int b = 0; b < B; b++) s += dsum[((long long)b * T + t) * C + c];
    dpos[(long long)t * C + c] += s;
}
JB_EMU_KERNEL(embedding_backward_position)

// embedding_backward_type
//   grid: (ceil(C/128), slabs), block: 128, shared: 0
//   dtype[τ, c] += Σ over rows r with types[r] == τ of dsum[r, c], for τ < numTypes (typeIds
//   nullable: every row is type 0). Rows are cut into `slabs` = gridDim.y fixed slices
//   [rows·s/slabs, rows·(s+1)/slabs), summed in row order. slabs == 1: added straight into dtype
//   (partial may be null); slabs > 1: partial[slabs][numTypes][C] receives the slice sums and
//   splitk_reduce(partial, dtype, slabs, numTypes·C) (gemm_f32.ptx) must follow. Deterministic.
//   Use slabs ≈ rows/64.
extern "C" __global__ void __launch_bounds__(128)
embedding_backward_type(const int* typeIds, const float* dsum, float* dtype, float* partial, int rows, int C,
                        int numTypes) {
    const int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= C) return;
    const int slabs = gridDim.y, s = blockIdx.y;
    const int r0 = (int)((long long)rows * s / slabs), r1 = (int)((long long)rows * (s + 1) / slabs);
    for (int tau = 0; tau < numTypes; tau++) {
        float acc = 0.0f;
        for (int r = r0; r < r1; r++) {
            int ty = typeIds == nullptr ? 0 : typeIds[r];
            if (ty == tau) acc += dsum[(long long)r * C + c];
        }
        if (slabs == 1) {
            dtype[(long long)tau * C + c] += acc;
        } else {
            partial[((long long)s * numTypes + tau) * C + c] = acc;
        }
    }
}
JB_EMU_KERNEL(embedding_backward_type)
