// Elementwise kernels: activations (GELU exact and tanh forms, ReLU, tanh) forward and
// backward, the residual add, dropout (mask generation, forward, backward).
//
// All are memory bound (8 to 12 bytes per element); on an H100 SXM (~3.35 TB/s) a pass over
// B·T·C = 16384·768 floats takes ~40 µs. Launch: 1-D, 256 threads per block, any grid (the
// loops are grid-stride); the host picks grid = min(ceil(n/256), 132·16).
// Activation codes are dev.jbert.engine.cpu.Activation ordinals: 0 NONE, 1 GELU,
// 2 GELU_TANH, 3 RELU, 4 TANH. Results equal the CPU backend's bit for bit (see common.cuh).

#include "common.cuh"

using namespace jb;

// activation_forward
//   grid: any (grid-stride), block: 256, shared: 0
//   out[i] = act(x[i]) for i < n; out may alias x.
extern "C" __global__ void __launch_bounds__(256)
activation_forward(const float* x, float* out, int n, int act) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        out[i] = activate(act, x[i]);
    }
}
JB_EMU_KERNEL(activation_forward)

// activation_backward
//   grid: any (grid-stride), block: 256, shared: 0
//   dx[i] = dout[i]·act'(preact[i]) for i < n; dx may alias dout.
extern "C" __global__ void __launch_bounds__(256)
activation_backward(const float* preact, const float* dout, float* dx, int n, int act) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        dx[i] = activate_backward(act, preact[i], dout[i]);
    }
}
JB_EMU_KERNEL(activation_backward)

// residual_add
//   grid: any (grid-stride), block: 256, shared: 0
//   out[i] = a[i] + b[i] ([B·T, C] flattened, n = B·T·C); out may alias a or b.
extern "C" __global__ void __launch_bounds__(256)
residual_add(const float* a, const float* b, float* out, int n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        out[i] = __fadd_rn(a[i], b[i]);
    }
}
JB_EMU_KERNEL(residual_add)

// One Philox block of a dropout pass: elements 4q .. 4q+3 (clipped to n).
// mask (nullable) receives 0 or 1/(1−p); when x is given, out = x·mask.
__device__ __forceinline__ void dropout_quad(long long q, int n, const DropoutParams& dp,
                                             unsigned long long seed, unsigned int stream,
                                             unsigned long long counter, const float* x, float* out,
                                             float* mask) {
    uint4 w = dropout_block(seed, stream, counter, (unsigned long long)q);
    long long e0 = 4 * q;
#pragma unroll
    for (int l = 0; l < 4; l++) {
        long long e = e0 + l;
        if (e < n) {
            float m = dropout_value(dp, word_of(w, l));
            if (mask != nullptr) mask[e] = m;
            if (x != nullptr) out[e] = __fmul_rn(x[e], m);
        }
    }
}

// dropout_mask
//   grid: any (grid-stride over ceil(n/4) Philox blocks), block: 256, shared: 0
//   mask[e] for e < n = 1/(1−p) with probability 1−p, else 0; exactly DropoutRng.fillMask(mask,
//   0, n, p, stream, counter) under DropoutRng(seed). p is the probability as the CPU side sees it
//   (nn.Dropout passes its float p widened to double).
extern "C" __global__ void __launch_bounds__(256)
dropout_mask(float* mask, int n, unsigned long long seed, unsigned int stream, unsigned long long counter,
             double p) {
    DropoutParams dp = dropout_params(p);
    long long quads = ((long long)n + 3) / 4;
    for (long long q = blockIdx.x * (long long)blockDim.x + threadIdx.x; q < quads;
         q += (long long)gridDim.x * blockDim.x) {
        dropout_quad(q, n, dp, seed, stream, counter, nullptr, nullptr, mask);
    }
}
JB_EMU_KERNEL(dropout_mask)

// dropout_forward
//   grid: any (grid-stride over ceil(n/4) Philox blocks), block: 256, shared: 0
//   mask (nullable: not kept) as dropout_mask; out[e] = x[e]·mask[e]. out may alias x.
extern "C" __global__ void __launch_bounds__(256)
dropout_forward(const float* x, float* out, float* mask, int n, unsigned long long seed, unsigned int stream,
                unsigned long long counter, double p) {
    DropoutParams dp = dropout_params(p);
    long long quads = ((long long)n + 3) / 4;
    for (long long q = blockIdx.x * (long long)blockDim.x + threadIdx.x; q < quads;
         q += (long long)gridDim.x * blockDim.x) {
        dropout_quad(q, n, dp, seed, stream, counter, x, out, mask);
    }
}
JB_EMU_KERNEL(dropout_forward)

// dropout_backward
//   grid: any (grid-stride), block: 256, shared: 0
//   dx[i] = dout[i]·mask[i] for i < n; dx may alias dout. (Also any elementwise product.)
extern "C" __global__ void __launch_bounds__(256)
dropout_backward(const float* dout, const float* mask, float* dx, int n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        dx[i] = __fmul_rn(dout[i], mask[i]);
    }
}
JB_EMU_KERNEL(dropout_backward)
