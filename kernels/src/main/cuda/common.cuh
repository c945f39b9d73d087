// Shared device helpers of the jbert CUDA kernels: activations (the CPU backend's formulas,
// evaluated the same way), Philox4x32-10 dropout words (dev.jbert.engine.train.DropoutRng, bit
// for bit), warp and block reductions. Header only; every .cu includes it, nothing here is an
// entry point.
//
// Exactness rules (the reason these kernels are built WITHOUT --use_fast_math, see
// kernels/build-ptx.sh): where the CPU backend does an IEEE float operation we do the same one
// with the _rn intrinsics (__fmul_rn, __fadd_rn, __fdiv_rn, __fsqrt_rn), which nvcc never
// contracts into FMAs; where the CPU does an explicit fma we call fma/fmaf. That keeps
// elementwise kernels, AdamW, the dropout masks and the activation epilogues equal to the CPU
// results bit for bit (in practice: exp/log in double are within 1 ulp on both sides and are
// rounded to float afterwards).
#pragma once

#define JB_DEVICE __device__ __forceinline__

// JB_EMU_KERNEL(name), after each extern "C" __global__ entry point, registers it by name in the
// CPU emulator (emulator/cuda_emu.hpp, which defines it under -DJB_EMULATE); for nvcc it is
// nothing, so the PTX does not depend on it.
#ifndef JB_EMULATE
#define JB_EMU_KERNEL(name)
#endif

namespace jb {

// ---------------------------------------------------------------- activations
// Codes are the ordinals of dev.jbert.engine.cpu.Activation.
enum Act { ACT_NONE = 0, ACT_GELU = 1, ACT_GELU_TANH = 2, ACT_RELU = 3, ACT_TANH = 4 };

// Clamp that lets NaN through (Java's Math.max/min return NaN; fmax/fmin would drop it).
JB_DEVICE double clamp_keep_nan(double x, double lo, double hi) {
    return x < lo ? lo : (x > hi ? hi : x);
}

// ½·erfc(u/√2) = gauss·t·½P(t), t = 1/(1 + u·5/16), for u ≥ 0 (Activation.halfErfc).
JB_DEVICE double half_erfc(double u, double gauss) {
    double t = __ddiv_rn(1.0, fma(u, 0.3125, 1.0));
    double p = 0.5 * 0.01921464190224459;
    p = fma(p, t, 0.5 * -0.10186065672677498);
    p = fma(p, t, 0.5 * 0.18819688537872975);
    p = fma(p, t, 0.5 * -0.08348573998841624);
    p = fma(p, t, 0.5 * -0.13743374853326196);
    p = fma(p, t, 0.5 * 0.11979909182465931);
    p = fma(p, t, 0.5 * -0.03774437501088484);
    p = fma(p, t, 0.5 * 0.13909808761057746);
    p = fma(p, t, 0.5 * 0.169674952425242);
    p = fma(p, t, 0.5 * 0.225937351273862);
    p = fma(p, t, 0.5 * 0.24926187435450392);
    p = fma(p, t, 0.5 * 0.24934163603492493);
    return __dmul_rn(__dmul_rn(gauss, t), p);
}

// e^x in double exactly as the CPU's dev.jbert.engine.cpu.VectorOps.exp: Cody–Waite reduction
// x = n·ln2 + r with fdlibm's split of ln 2, a degree-10 Taylor polynomial (relative error
// < 3e-13), 2ⁿ added to the exponent field; 0 below −707, +∞ above 709, NaN for NaN. The same
// exactly rounded operations in the same order, so activations agree with the CPU to the bit
// (libdevice's exp and the JDK's may differ by an ulp in double, which can flip a float).
JB_DEVICE double exp_det(double x) {
    if (x != x) return x;
    if (x < -707.0) return 0.0;
    if (x > 709.0) return __longlong_as_double(0x7ff0000000000000LL);
    const double ROUND = 6755399441055744.0;  // 1.5·2⁵²: x·log2e + ROUND holds n in its low bits
    double shifted = fma(x, 1.4426950408889634, ROUND);
    double n = __dsub_rn(shifted, ROUND);
    double r = __dadd_rn(fma(n, -6.93147180369123816490e-01, x), __dmul_rn(n, -1.90821492927058770002e-10));
    double p = 1.0 / 3628800;
    p = fma(p, r, 1.0 / 362880);
    p = fma(p, r, 1.0 / 40320);
    p = fma(p, r, 1.0 / 5040);
    p = fma(p, r, 1.0 / 720);
    p = fma(p, r, 1.0 / 120);
    p = fma(p, r, 1.0 / 24);
    p = fma(p, r, 1.0 / 6);
    p = fma(p, r, 1.0 / 2);
    p = fma(p, r, 1.0);
    p = fma(p, r, 1.0);
    long long e = (__double_as_longlong(shifted) - __double_as_longlong(ROUND)) << 52;
    return __longlong_as_double(__double_as_longlong(p) + e);
}

// e^(−u²/2)
JB_DEVICE double gauss(double u) {
    return exp_det(__dmul_rn(__dmul_rn(u, u), -0.5));
}

// tanh x as Activation.tanh: x·(1 − x²/3) below 2⁻¹², else (1 − e)/(1 + e)·sign x, e = e^(−2|x|).
JB_DEVICE double tanh_d(double x) {
    double a = fabs(x);
    if (a < 0x1p-12) return __dmul_rn(x, fma(__dmul_rn(x, x), -1.0 / 3, 1.0));
    double e = exp_det(__dmul_rn(a, -2.0));
    double t = __ddiv_rn(__dsub_rn(1.0, e), __dadd_rn(1.0, e));
    return x < 0.0 ? -t : t;
}

// tanh'(x) as Activation.tanhGrad: 4e/(1 + e)² with e = e^(−2|x|).
JB_DEVICE double tanh_grad_d(double x) {
    double e = exp_det(__dmul_rn(fabs(x), -2.0));
    double d = __dadd_rn(1.0, e);
    return __ddiv_rn(__dmul_rn(e, 4.0), __dmul_rn(d, d));
}

// Φ(x) with full relative accuracy in the lower tail.
JB_DEVICE double normal_cdf(double x) {
    double ax = fabs(x);
    double u = ax > 40.0 ? 40.0 : ax;  // NaN stays NaN
    double q = half_erfc(u, gauss(u));
    return x >= 0.0 ? __dsub_rn(1.0, q) : q;
}

JB_DEVICE double gelu_d(double x) {
    return __dmul_rn(x, normal_cdf(x));
}

JB_DEVICE double gelu_grad_d(double x) {
    const double INV_SQRT_2PI = 0.39894228040143267794;
    double xc = clamp_keep_nan(x, -40.0, 40.0);  // as Activation.geluGrad (GAUSS_CLAMP)
    return fma(__dmul_rn(xc, gauss(fabs(xc))), INV_SQRT_2PI, normal_cdf(x));
}

// GELU_TANH = x·σ(2y), 2y = 2√(2/π)·x·(1 + 0.044715·x²)
JB_DEVICE double gelu_tanh_d(double x) {
    const double BETA = 0.79788456080286535588;
    const double KAPPA = 0.044715;
    double e = exp_det(__dmul_rn(__dmul_rn(x, -2.0 * BETA), fma(__dmul_rn(x, x), KAPPA, 1.0)));
    return __ddiv_rn(x, __dadd_rn(e, 1.0));
}

JB_DEVICE double gelu_tanh_grad_d(double x) {
    const double BETA = 0.79788456080286535588;
    const double KAPPA = 0.044715;
    double xc = clamp_keep_nan(x, -100.0, 100.0);
    double x2 = __dmul_rn(xc, xc);
    double e = exp_det(__dmul_rn(__dmul_rn(xc, -2.0 * BETA), fma(x2, KAPPA, 1.0)));
    double s = __ddiv_rn(1.0, __dadd_rn(e, 1.0));
    double oneMinusS = __ddiv_rn(1.0, __dadd_rn(__ddiv_rn(1.0, e), 1.0));
    double dy = __dmul_rn(fma(x2, 3.0 * KAPPA, 1.0), 2.0 * BETA);
    return fma(__dmul_rn(__dmul_rn(xc, s), oneMinusS), dy, s);
}

// act(x) for an activation code (Activation.apply).
JB_DEVICE float activate(int act, float x) {
    switch (act) {
        case ACT_GELU: return (float)gelu_d((double)x);
        case ACT_GELU_TANH: return (float)gelu_tanh_d((double)x);
        case ACT_RELU: return x > 0.0f ? x : (x == x ? 0.0f : x);
        case ACT_TANH: return (float)tanh_d((double)x);
        default: return x;
    }
}

// dout·act'(x) (Activation.backward: the derivative rounded to float, then one float product).
JB_DEVICE float activate_backward(int act, float x, float dout) {
    switch (act) {
        case ACT_GELU: return __fmul_rn((float)gelu_grad_d((double)x), dout);
        case ACT_GELU_TANH: return __fmul_rn((float)gelu_tanh_grad_d((double)x), dout);
        case ACT_RELU: return x > 0.0f ? dout : 0.0f;
        case ACT_TANH: return __fmul_rn((float)tanh_grad_d((double)x), dout);
        default: return dout;
    }
}

// ---------------------------------------------------------------- Philox4x32-10
// DropoutRng: the random word of mask element e under (seed, stream, counter) is lane e%4 of
// Philox4x32-10 of the counter (e/4, counter lo, counter hi, stream) under key (seed lo, seed hi).

JB_DEVICE uint4 philox4x32_10(uint4 c, unsigned int k0, unsigned int k1) {
    const unsigned int M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    const unsigned int W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
#pragma unroll
    for (int round = 0; round < 10; round++) {
        unsigned int hi0 = __umulhi(c.x, M0), lo0 = c.x * M0;
        unsigned int hi1 = __umulhi(c.z, M1), lo1 = c.z * M1;
        uint4 n;
        n.x = hi1 ^ c.y ^ k0;
        n.y = lo1;
        n.z = hi0 ^ c.w ^ k1;
        n.w = lo0;
        c = n;
        k0 += W0;
        k1 += W1;
    }
    return c;
}

// The four random words of Philox block `block` (mask elements 4·block .. 4·block+3).
JB_DEVICE uint4 dropout_block(unsigned long long seed, unsigned int stream, unsigned long long counter,
                              unsigned long long block) {
    uint4 c = make_uint4((unsigned int)block, (unsigned int)counter, (unsigned int)(counter >> 32), stream);
    return philox4x32_10(c, (unsigned int)seed, (unsigned int)(seed >> 32));
}

JB_DEVICE unsigned int word_of(uint4 w, int lane) {
    return lane == 0 ? w.x : lane == 1 ? w.y : lane == 2 ? w.z : w.w;
}

// DropoutRng.fillMask's constants for probability p: keep when word < threshold (64-bit, so
// p = 0 keeps everything), kept elements are scaled by `scale`.
struct DropoutParams {
    unsigned long long threshold;
    float scale;
};

JB_DEVICE DropoutParams dropout_params(double p) {
    DropoutParams d;
    d.threshold = (unsigned long long)floor(__dmul_rn(__dsub_rn(1.0, p), 4294967296.0));
    d.scale = p == 1.0 ? 0.0f : __fdiv_rn(1.0f, (float)__dsub_rn(1.0, p));
    return d;
}

JB_DEVICE float dropout_value(const DropoutParams& d, unsigned int word) {
    return (unsigned long long)word < d.threshold ? d.scale : 0.0f;
}

// ---------------------------------------------------------------- reductions

JB_DEVICE float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

JB_DEVICE float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

JB_DEVICE double warp_sum_d(double v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// Sum over a block of up to 1024 threads (blockDim.x a multiple of 32), in a fixed order, so
// the result does not depend on scheduling. All threads get the result. `scratch` holds 32
// doubles of shared memory; the call synchronises the block twice.
JB_DEVICE double block_sum_d(double v, double* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_sum_d(v);
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    double t = lane < warps ? scratch[lane] : 0.0;
    return warp_sum_d(t);
}

}  // namespace jb
