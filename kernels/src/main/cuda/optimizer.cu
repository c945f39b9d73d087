// The optimizer step over all parameters at once: global gradient norm (two-stage reduction),
// the clip scale (torch.nn.utils.clip_grad_norm_, as dev.jbert.engine.train.GradClip) and the
// fused AdamW update (torch.optim.AdamW single-tensor path, as dev.jbert.engine.train.AdamW).
//
// Parameter layout: parameters, gradients and both moments live in four flat float buffers with
// the same layout: tensor t occupies [tensorOffset[t], tensorOffset[t+1]). Padding for alignment
// may follow a tensor's elements inside its range; it must hold zeros in all four buffers (then
// it adds nothing to the norm and AdamW keeps it at zero). Work is cut into chunks of at most chunkSize elements that
// never straddle two tensors: tensor t owns chunks [tensorFirstChunk[t], tensorFirstChunk[t+1]),
// tensorFirstChunk[numTensors] = numChunks, and chunk c of tensor t starts at
// tensorOffset[t] + (c − tensorFirstChunk[t])·chunkSize. One block per chunk; the host builds the
// two tables once (chunkSize = 32768 as the CPU side; any multiple of 256 works).
// tensorFlags[t]: bit 0 (1) = in the weight-decay group, bit 1 (2) = no gradient this step
// (PyTorch's grad is None: left out of the norm, not clipped, not updated).
//
// Exactness: the AdamW update performs exactly the float operations of the CPU AdamW.update, in
// the same order, with no FMA contraction (the _rn intrinsics), so parameters and moments equal
// the CPU's bit for bit given the same gradients. The norm sums squares in double per chunk
// (different order from the CPU's, identical after rounding to float in practice) and combines
// per-tensor norms exactly as GradClip does.
//
// Memory bound: AdamW reads 4 and writes 3 floats per parameter (28 B): ~1 ms for BERT-base's
// 110 M parameters on an H100 SXM (~3.35 TB/s); the norm reads 4 B per parameter (~0.15 ms).
// Not measured yet (no GPU run).

#include "common.cuh"

using namespace jb;

// A named namespace, not an anonymous one: nvcc mangles internal-linkage names with a hash of
// the source path, which would make the PTX depend on where the repository lives.
namespace jb_optimizer {

constexpr int FLAG_DECAY = 1;
constexpr int FLAG_NO_GRAD = 2;

// The tensor that owns chunk c: the t with tensorFirstChunk[t] <= c < tensorFirstChunk[t+1].
__device__ __forceinline__ int tensor_of_chunk(const int* tensorFirstChunk, int numTensors, int c) {
    int lo = 0, hi = numTensors - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) >> 1;
        if (tensorFirstChunk[mid] <= c) lo = mid; else hi = mid - 1;
    }
    return lo;
}

struct Chunk {
    int tensor;
    long long begin, end;
};

__device__ __forceinline__ Chunk chunk_range(const long long* tensorOffset, const int* tensorFirstChunk,
                                             int numTensors, int chunkSize, int c) {
    Chunk k;
    k.tensor = tensor_of_chunk(tensorFirstChunk, numTensors, c);
    k.begin = tensorOffset[k.tensor] + (long long)(c - tensorFirstChunk[k.tensor]) * chunkSize;
    long long e = k.begin + chunkSize, te = tensorOffset[k.tensor + 1];
    k.end = e < te ? e : te;
    return k;
}

}  // namespace jb_optimizer

using namespace jb_optimizer;

// grad_norm_partial (stage 1)
//   grid: (numChunks), block: 256, shared: 256 B static
//   partial[c] = Σ g² over chunk c in double (0 for a tensor flagged "no gradient").
extern "C" __global__ void __launch_bounds__(256)
grad_norm_partial(const float* grads, const long long* tensorOffset, const int* tensorFirstChunk,
                  const int* tensorFlags, int numTensors, int chunkSize, double* partial) {
    __shared__ double scratch[32];
    Chunk k = chunk_range(tensorOffset, tensorFirstChunk, numTensors, chunkSize, blockIdx.x);
    double s = 0.0;
    if ((tensorFlags[k.tensor] & FLAG_NO_GRAD) == 0) {
        for (long long i = k.begin + threadIdx.x; i < k.end; i += blockDim.x) {
            double g = grads[i];
            s = fma(g, g, s);
        }
    }
    s = block_sum_d(s, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}
JB_EMU_KERNEL(grad_norm_partial)

// grad_norm_finish (stage 2)
//   grid: 1, block: 256, shared: 2,048 B static
//   Per tensor with a gradient: ‖g_t‖ = (float)√(Σ its chunks, in order); total =
//   (float)√(Σ_t (double)‖g_t‖², t in order) (GradClip.totalNorm). Writes normAndCoef[0] = total
//   and normAndCoef[1] = the clip coefficient: min((1/(total + 1e-6f))·(float)maxNorm, 1) in
//   float (NaN propagates), or exactly 1 when maxNorm is not a finite positive number (clipping
//   off). Every gradient is then multiplied by normAndCoef[1]: grad_clip_scale, or adamw_step
//   with gradScale = normAndCoef + 1.
extern "C" __global__ void __launch_bounds__(256)
grad_norm_finish(const double* partial, const int* tensorFirstChunk, const int* tensorFlags, int numTensors,
                 double maxNorm, float* normAndCoef) {
    __shared__ double sq[256];
    double total = 0.0;  // meaningful in thread 0
    for (int base = 0; base < numTensors; base += 256) {
        int t = base + threadIdx.x;
        double v = 0.0;
        if (t < numTensors && (tensorFlags[t] & FLAG_NO_GRAD) == 0) {
            double s = 0.0;
            for (int c = tensorFirstChunk[t]; c < tensorFirstChunk[t + 1]; c++) s += partial[c];
            float norm = (float)__dsqrt_rn(s);
            v = (double)norm * (double)norm;
        }
        sq[threadIdx.x] = v;
        __syncthreads();
        if (threadIdx.x == 0) {
            int n = numTensors - base < 256 ? numTensors - base : 256;
            for (int q = 0; q < n; q++) total += sq[q];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        float norm = (float)__dsqrt_rn(total);
        float coef = 1.0f;
        if (maxNorm > 0.0 && !isinf(maxNorm)) {
            float c = __fmul_rn(__fdiv_rn(1.0f, __fadd_rn(norm, 1e-6f)), (float)maxNorm);
            coef = c != c ? c : (c < 1.0f ? c : 1.0f);  // Math.min(c, 1f)
        }
        normAndCoef[0] = norm;
        normAndCoef[1] = coef;
    }
}
JB_EMU_KERNEL(grad_norm_finish)

// grad_clip_scale
//   grid: (numChunks), block: 256, shared: 0
//   g *= *coef for every gradient element of the tensors with a gradient (coef = normAndCoef + 1).
extern "C" __global__ void __launch_bounds__(256)
grad_clip_scale(float* grads, const long long* tensorOffset, const int* tensorFirstChunk, const int* tensorFlags,
                int numTensors, int chunkSize, const float* coef) {
    Chunk k = chunk_range(tensorOffset, tensorFirstChunk, numTensors, chunkSize, blockIdx.x);
    if (tensorFlags[k.tensor] & FLAG_NO_GRAD) return;
    const float s = *coef;
    for (long long i = k.begin + threadIdx.x; i < k.end; i += blockDim.x) grads[i] = __fmul_rn(grads[i], s);
}
JB_EMU_KERNEL(grad_clip_scale)

// adamw_step
//   grid: (numChunks), block: 256, shared: 0
//   One torch.optim.AdamW step of every tensor with a gradient, all at the same step t. Scalars
//   (computed by the host in double, rounded to float, as AdamW.step does):
//     lerpWeight = (float)(1 − β1), beta2 = (float)β2, oneMinusBeta2 = (float)(1 − β2),
//     eps = (float)eps, decayFactor = (float)(1 − lr·wd) (applied to the decay group only),
//     negStepSize = (float)(−lr/(1 − β1ᵗ)), biasCorrection2Sqrt = (float)√(1 − β2ᵗ).
//   gradScale (nullable): g is first multiplied by *gradScale (the clip coefficient, when
//   grad_clip_scale was not run). Per element, in float:
//     p = p·decayFactor (decay group)
//     m = fma(g − m, w, m) with w = lerpWeight if |lerpWeight| < 0.5, else fma(g − m, lerpWeight − 1, g)
//     v = v·beta2 + (oneMinusBeta2·g)·g
//     p = p + (m·negStepSize) / (√v / biasCorrection2Sqrt + eps)
extern "C" __global__ void __launch_bounds__(256)
adamw_step(float* params, const float* grads, float* expAvg, float* expAvgSq, const long long* tensorOffset,
           const int* tensorFirstChunk, const int* tensorFlags, int numTensors, int chunkSize, float lerpWeight,
           float beta2, float oneMinusBeta2, float eps, float decayFactor, float negStepSize,
           float biasCorrection2Sqrt, const float* gradScale) {
    Chunk k = chunk_range(tensorOffset, tensorFirstChunk, numTensors, chunkSize, blockIdx.x);
    const int flags = tensorFlags[k.tensor];
    if (flags & FLAG_NO_GRAD) return;
    const bool decay = (flags & FLAG_DECAY) != 0;
    const bool smallWeight = fabsf(lerpWeight) < 0.5f;
    const float coeff = smallWeight ? lerpWeight : __fsub_rn(lerpWeight, 1.0f);
    const bool scaled = gradScale != nullptr;
    const float gs = scaled ? *gradScale : 1.0f;
    for (long long i = k.begin + threadIdx.x; i < k.end; i += blockDim.x) {
        float g = grads[i];
        if (scaled) g = __fmul_rn(g, gs);
        float p = params[i], m = expAvg[i], v = expAvgSq[i];
        if (decay) p = __fmul_rn(p, decayFactor);
        m = __fmaf_rn(__fsub_rn(g, m), coeff, smallWeight ? m : g);
        v = __fadd_rn(__fmul_rn(v, beta2), __fmul_rn(__fmul_rn(g, oneMinusBeta2), g));
        float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(v), biasCorrection2Sqrt), eps);
        p = __fadd_rn(p, __fdiv_rn(__fmul_rn(m, negStepSize), denom));
        params[i] = p;
        expAvg[i] = m;
        expAvgSq[i] = v;
    }
}
JB_EMU_KERNEL(adamw_step)
