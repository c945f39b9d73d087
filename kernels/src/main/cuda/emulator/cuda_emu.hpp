// A small CUDA emulator for running the jbert kernels on a CPU, single-threaded, for tests on
// machines without a GPU (see run-selftest.sh). Not part of the product: nothing here reaches the
// PTX. Each kernel .cu is compiled as C++ with this header forced in (-include) and
// -DJB_EMULATE; the four inline-PTX helpers of gemm_tc.cu switch to the jb_emu_* functions below.
//
// Model: a block runs as blockDim cooperative fibers (ucontext), one per thread. __syncthreads
// waits for every live thread of the block; warp operations (shuffles, votes, mma.sync) wait for
// every live lane of the warp and exchange values through per-warp slots. Blocks run one after
// another, so __shared__ variables are plain statics. Float arithmetic is IEEE single/double as
// on the GPU (build with -ffp-contract=off); mma.sync sums its exact products in double.
#pragma once

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <vector>

// ---------------------------------------------------------------- language
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
#define __launch_bounds__(...)
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __restrict__ __restrict

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
    dim3() = default;
    dim3(unsigned int x_, unsigned int y_ = 1, unsigned int z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct alignas(16) float4 { float x, y, z, w; };
struct alignas(8) float2 { float x, y; };
struct alignas(16) uint4 { unsigned int x, y, z, w; };
struct alignas(8) uint2 { unsigned int x, y; };
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline float2 make_float2(float x, float y) { return {x, y}; }
inline uint4 make_uint4(unsigned int x, unsigned int y, unsigned int z, unsigned int w) { return {x, y, z, w}; }
inline uint2 make_uint2(unsigned int x, unsigned int y) { return {x, y}; }

extern dim3 threadIdx, blockIdx, blockDim, gridDim;

// ---------------------------------------------------------------- scheduler
namespace emu {

enum State { RUNNABLE, AT_WARP, AT_BARRIER, DONE };

struct Fiber {
    ucontext_t ctx;
    State state = RUNNABLE;
    dim3 tid;
    int warp = 0, lane = 0;
    std::vector<char> stack;
};

struct Block {
    std::vector<Fiber> fibers;
    std::vector<unsigned long long> slots;  // 32 per warp, warp exchange
    std::vector<unsigned long long> slots2;  // 32·16 per warp, mma exchange
    ucontext_t sched;
    int current = -1;
};

extern Block* block;

inline Fiber& self() { return block->fibers[block->current]; }

inline void yield_as(State s) {
    Fiber& f = self();
    f.state = s;
    swapcontext(&f.ctx, &block->sched);
}

inline void warp_sync() { yield_as(AT_WARP); }
inline void block_sync() { yield_as(AT_BARRIER); }

void run_block(void (*body)(void*), void* arg);

template <class F>
void trampoline(void* p) {
    (*static_cast<F*>(p))();
}

// Runs kernel(args...) over the grid.
template <class... P, class... A>
void launch(dim3 grid, dim3 blk, void (*kernel)(P...), A... args) {
    gridDim = grid;
    blockDim = blk;
    auto call = [&]() { kernel(static_cast<P>(args)...); };
    for (unsigned int z = 0; z < grid.z; z++)
        for (unsigned int y = 0; y < grid.y; y++)
            for (unsigned int x = 0; x < grid.x; x++) {
                blockIdx = dim3(x, y, z);
                run_block(&trampoline<decltype(call)>, &call);
            }
}

template <class T>
T warp_exchange(T v, int src) {
    Fiber& f = self();
    unsigned long long* s = &block->slots[(size_t)f.warp * 32];
    unsigned long long bits = 0;
    memcpy(&bits, &v, sizeof(T));
    s[f.lane] = bits;
    warp_sync();
    unsigned long long got = s[src & 31];
    warp_sync();
    T r;
    memcpy(&r, &got, sizeof(T));
    return r;
}

inline int lane_id() { return self().lane; }

}  // namespace emu

inline void __syncthreads() { emu::block_sync(); }
inline void __syncwarp(unsigned = 0xffffffffu) { emu::warp_sync(); }
template <class T>
T __shfl_xor_sync(unsigned, T v, int o) { return emu::warp_exchange(v, emu::lane_id() ^ o); }
template <class T>
T __shfl_sync(unsigned, T v, int src) { return emu::warp_exchange(v, src); }
inline bool __any_sync(unsigned, bool p) {
    emu::Fiber& f = emu::self();
    unsigned long long* s = &emu::block->slots[(size_t)f.warp * 32];
    s[f.lane] = p ? 1 : 0;
    emu::warp_sync();
    bool any = false;
    for (int l = 0; l < 32; l++) any |= s[l] != 0;
    emu::warp_sync();
    return any;
}

// ---------------------------------------------------------------- intrinsics
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return sqrtf(a); }
inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __ddiv_rn(double a, double b) { return a / b; }
inline double __drcp_rn(double a) { return 1.0 / a; }
inline double __dsqrt_rn(double a) { return sqrt(a); }
inline unsigned int __umulhi(unsigned int a, unsigned int b) {
    return (unsigned int)(((unsigned long long)a * b) >> 32);
}
template <class T>
T __ldg(const T* p) { return *p; }
inline float atomicAdd(float* p, float v) {
    float old = *p;
    *p = old + v;
    return old;
}

// The inline-PTX helpers of gemm_tc.cu.
unsigned int jb_emu_tf32(float x);
unsigned int jb_emu_bf16x2(float lo, float hi);
void jb_emu_mma_tf32(float (&c)[4], const unsigned int (&a)[4], const unsigned int (&b)[2]);
void jb_emu_mma_bf16(float (&c)[4], const unsigned int (&a)[4], const unsigned int (&b)[2]);
