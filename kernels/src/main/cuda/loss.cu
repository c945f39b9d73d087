// Training losses fused with their gradients, over logits [B, L] (dev.jbert.engine.train.*Loss):
// softmax cross-entropy (class weights, ignore index), BCE with logits (pos_weight), MSE. Like
// the CPU side they compute in double and round the loss and each gradient element to float
// once, so results agree with the CPU to float rounding (sums run in a different order).
//
// Each is a single block (the batch is small next to the model: B·L is at most a few thousand);
// sums use a fixed reduction order, so results are deterministic. The loss is written to device
// memory (loss[0]) so that the host reads it when it wants, without a synchronisation per step.
// Labels are validated by the host (CrossEntropyLoss throws on a label outside [0, L) that is not
// the ignore index); here such a row yields a NaN loss and NaN gradients.

#include "common.cuh"

using namespace jb;

// A named namespace, not an anonymous one: nvcc mangles internal-linkage names with a hash of
// the source path, which would make the PTX depend on where the repository lives.
namespace jb_loss {

// log Σ_j exp(x[j]) over one row, by one warp, in double (CrossEntropyLoss.logSumExp).
__device__ double row_log_sum_exp(const float* x, int L, int lane) {
    double mx = -INFINITY;
    for (int j = lane; j < L; j += 32) mx = fmax(mx, (double)x[j]);
    for (int o = 16; o > 0; o >>= 1) mx = fmax(mx, __shfl_xor_sync(0xffffffffu, mx, o));
    // NaN anywhere in the row: fmax skips NaN, so look for it explicitly
    bool nan = false;
    for (int j = lane; j < L; j += 32) nan |= x[j] != x[j];
    nan = __any_sync(0xffffffffu, nan);
    if (nan) return NAN;
    if (isinf(mx)) return mx;
    double s = 0.0;
    for (int j = lane; j < L; j += 32) s += exp((double)x[j] - mx);
    s = warp_sum_d(s);
    return mx + log(s);
}

}  // namespace jb_loss

using namespace jb_loss;

// cross_entropy_loss
//   grid: 1, block: 256, shared: 128 B static
//   logits [B, L], labels [B] (int32; ignoreIndex, usually −100, marks rows left out),
//   classWeights [L] (nullable: all 1). loss[0] = Σ_i w[y_i]·nll_i / Σ_i w[y_i] over the rows not
//   ignored (NaN when that is 0/0, as PyTorch). dlogits [B, L] (nullable: forward only),
//   overwritten with gradScale·w[y_i]/Σw·(softmax(x_i) − onehot(y_i)), 0 on ignored rows.
extern "C" __global__ void __launch_bounds__(256)
cross_entropy_loss(const float* logits, const int* labels, const float* classWeights, float* loss, float* dlogits,
                   int B, int L, int ignoreIndex, double gradScale) {
    __shared__ double sTotal[8], sWeight[8];
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    double total = 0.0, totalWeight = 0.0;  // per warp, over its rows in order
    for (int i = warp; i < B; i += 8) {
        int y = labels[i];
        if (y == ignoreIndex) continue;
        const float* x = logits + (long long)i * L;
        double lse = row_log_sum_exp(x, L, lane);
        bool bad = y < 0 || y >= L;
        double nll = bad ? NAN : lse - (double)x[y];
        double w = classWeights == nullptr || bad ? 1.0 : (double)classWeights[y];
        total += w * nll;
        totalWeight += w;
    }
    if (lane == 0) {
        sTotal[warp] = total;
        sWeight[warp] = totalWeight;
    }
    __syncthreads();
    double t = 0.0, tw = 0.0;
    for (int q = 0; q < 8; q++) {
        t += sTotal[q];
        tw += sWeight[q];
    }
    if (threadIdx.x == 0) loss[0] = (float)(t / tw);
    if (dlogits == nullptr) return;
    for (int i = warp; i < B; i += 8) {
        int y = labels[i];
        const float* x = logits + (long long)i * L;
        float* g = dlogits + (long long)i * L;
        if (y == ignoreIndex) {
            for (int j = lane; j < L; j += 32) g[j] = 0.0f;
            continue;
        }
        bool bad = y < 0 || y >= L;
        double w = classWeights == nullptr || bad ? 1.0 : (double)classWeights[y];
        double coef = bad ? NAN : gradScale * w / tw;
        double lse = row_log_sum_exp(x, L, lane);
        for (int j = lane; j < L; j += 32) {
            double sm = exp((double)x[j] - lse);
            g[j] = (float)(coef * (j == y ? sm - 1.0 : sm));
        }
    }
}
JB_EMU_KERNEL(cross_entropy_loss)

// bce_with_logits_loss
//   grid: 1, block: 256, shared: 256 B static
//   logits [B, L], targets [B, L] in [0, 1], posWeight [L] (nullable: 1). With n = B·L and
//   lw = 1 + (posWeight[j] − 1)·y: loss[0] = Σ ((1 − y)·x + lw·(log1p(e^−|x|) + max(−x, 0))) / n;
//   dlogits (nullable) = gradScale·((1 − y) − lw·σ(−x)) / n.
extern "C" __global__ void __launch_bounds__(256)
bce_with_logits_loss(const float* logits, const float* targets, const float* posWeight, float* loss,
                     float* dlogits, int B, int L, double gradScale) {
    __shared__ double scratch[32];
    const long long n = (long long)B * L;
    double total = 0.0;
    for (long long k = threadIdx.x; k < n; k += blockDim.x) {
        double x = logits[k], y = targets[k];
        double lw = posWeight == nullptr ? 1.0 : 1.0 + ((double)posWeight[k % L] - 1.0) * y;
        double softplusNeg = log1p(exp(-fabs(x))) + fmax(-x, 0.0);
        if (x != x) softplusNeg = x;
        total += (1.0 - y) * x + lw * softplusNeg;
        if (dlogits != nullptr) {
            double z = -x;  // sigmoid(z) without overflow
            double sig = z >= 0.0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
            dlogits[k] = (float)(gradScale * ((1.0 - y) - lw * sig) / (double)n);
        }
    }
    total = block_sum_d(total, scratch);
    if (threadIdx.x == 0) loss[0] = (float)(total / (double)n);
}
JB_EMU_KERNEL(bce_with_logits_loss)

// mse_loss
//   grid: 1, block: 256, shared: 256 B static
//   x [n] (logits [B, L] flattened), y [n]: loss[0] = Σ (x − y)² / n;
//   dx (nullable) = gradScale·2·(x − y)/n.
extern "C" __global__ void __launch_bounds__(256)
mse_loss(const float* x, const float* y, float* loss, float* dx, int n, double gradScale) {
    __shared__ double scratch[32];
    double total = 0.0;
    for (int k = threadIdx.x; k < n; k += blockDim.x) {
        double d = (double)x[k] - (double)y[k];
        total += d * d;
        if (dx != nullptr) dx[k] = (float)(gradScale * 2.0 * d / (double)n);
    }
    total = block_sum_d(total, scratch);
    if (threadIdx.x == 0) loss[0] = (float)(total / (double)n);
}
JB_EMU_KERNEL(mse_loss)
