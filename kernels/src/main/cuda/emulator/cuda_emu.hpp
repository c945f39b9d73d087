// A small CUDA emulator for running the jbert kernels on a CPU, single-threaded, for tests on
// machines without a GPU (see run-selftest.sh). Not part of the product: nothing here reaches the
// PTX. Each kernel .cu is compiled as C++ with this header forced in (-include) and
// -DJB_EMULATE; the four inline-PTX helpers of tensor_core.cuh (cvt to tf32/bf16, mma.sync) switch to the jb_emu_* functions below.
//
// Model: a block runs as blockDim cooperative fibers, one per thread. __syncthreads
// waits for every live thread of the block; warp operations (shuffles, votes, mma.sync) wait for
// every live lane of the warp and exchange values through per-warp slots. Blocks run one after
// another, so __shared__ variables are plain statics. Float arithmetic is IEEE single/double as
// on the GPU (build with -ffp-contract=off); mma.sync sums its exact products in double.
//
// Every entry point registers itself by name (JB_EMU_KERNEL after its definition, an empty macro
// for nvcc): cuda_emu_lib.cpp turns the table into libjbemu.so, whose jbemu_launch takes the
// driver API's void** parameter array, so Java tests can drive the kernels as a Device.
#pragma once

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <string>
#include <type_traits>
#include <utility>
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

// A suspended fiber or scheduler. On x86-64, its stack pointer: the switch in cuda_emu.cpp pushes
// the callee-saved registers on the stack it leaves (no system call, unlike swapcontext, which
// saves the signal mask; thread switches are most of the emulator's time). Elsewhere, or with
// -DJB_EMU_UCONTEXT, a ucontext.
#if defined(__x86_64__) && !defined(JB_EMU_UCONTEXT)
#define JB_EMU_FAST_SWITCH 1
struct Context {
    void* sp = nullptr;
};
#else
struct Context {
    ucontext_t uc;
};
#endif

struct Fiber {
    Context ctx;
    State state = RUNNABLE;
    dim3 tid;
    int warp = 0, lane = 0;
};

struct Block {
    std::vector<Fiber> fibers;
    std::vector<unsigned long long> slots;  // 32 per warp, warp exchange
    std::vector<unsigned long long> slots2;  // 32·16 per warp, mma exchange
    Context sched;
    int current = -1;
};

extern Block* block;

inline Fiber& self() { return block->fibers[block->current]; }

// Parks the running thread in state s and returns to the block's scheduler.
void yield_as(State s);

inline void warp_sync() { yield_as(AT_WARP); }
inline void block_sync() { yield_as(AT_BARRIER); }

void run_block(void (*body)(void*), void* arg);

// Errors of a launch (a deadlocked block, a diverged warp, a stack that cannot be mapped). By
// default the emulator prints them and aborts (the self-test); with abort_on_error = false it
// records the first one, stops the launch and lets the caller read it (libjbemu.so).
extern bool abort_on_error;
void fail(const std::string& message);
bool failed();
const std::string& error();
void clear_error();

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
                if (failed()) return;
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

// ---------------------------------------------------------------- kernel table
// A type-erased entry point: its name, the function, an invoker that unpacks a CUDA-style
// void** parameter array by the kernel's own parameter types, and its signature, one letter per
// parameter in the order of dev.jbert.kernels.device.KernelArgs.Type: P pointer, I int or
// unsigned int, U (unsigned) long long, F float, D double.
using ErasedKernel = void (*)();
using Invoker = void (*)(ErasedKernel kernel, dim3 grid, dim3 blk, void** params);

struct KernelEntry {
    const char* name;
    ErasedKernel kernel;
    Invoker invoke;
    const char* signature;
};

std::vector<KernelEntry>& kernels();
int register_kernel(const char* name, ErasedKernel kernel, Invoker invoke, const char* signature);

template <class T>
struct ParamCode;  // no definition: a kernel parameter of another type does not compile
template <class T>
struct ParamCode<T*> { static constexpr char value = 'P'; };
template <> struct ParamCode<int> { static constexpr char value = 'I'; };
template <> struct ParamCode<unsigned int> { static constexpr char value = 'I'; };
template <> struct ParamCode<long long> { static constexpr char value = 'U'; };
template <> struct ParamCode<unsigned long long> { static constexpr char value = 'U'; };
template <> struct ParamCode<float> { static constexpr char value = 'F'; };
template <> struct ParamCode<double> { static constexpr char value = 'D'; };

template <class... P>
inline constexpr char signature_of[] = {ParamCode<std::remove_cv_t<P>>::value..., '\0'};

template <class... P, size_t... I>
void invoke_unpacked(void (*kernel)(P...), dim3 grid, dim3 blk, void** params, std::index_sequence<I...>) {
    launch(grid, blk, kernel, *static_cast<std::remove_cv_t<P>*>(params[I])...);
}

template <class... P>
void invoke_erased(ErasedKernel kernel, dim3 grid, dim3 blk, void** params) {
    invoke_unpacked(reinterpret_cast<void (*)(P...)>(kernel), grid, blk, params, std::index_sequence_for<P...>{});
}

template <class... P>
int register_kernel(const char* name, void (*kernel)(P...)) {
    return register_kernel(name, reinterpret_cast<ErasedKernel>(kernel), &invoke_erased<P...>, signature_of<P...>);
}

}  // namespace emu

// After each extern "C" __global__ entry point: JB_EMU_KERNEL(name) (common.cuh defines it empty
// for nvcc, so the PTX does not change).
#define JB_EMU_KERNEL(name) \
    [[maybe_unused]] static const int jb_emu_registered_##name = ::emu::register_kernel(#name, name);

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
inline long long __double_as_longlong(double x) {
    long long r;
    memcpy(&r, &x, sizeof r);
    return r;
}
inline double __longlong_as_double(long long x) {
    double r;
    memcpy(&r, &x, sizeof r);
    return r;
}
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

// The inline-PTX helpers of tensor_core.cuh.
unsigned int jb_emu_tf32(float x);
unsigned int jb_emu_bf16x2(float lo, float hi);
void jb_emu_mma_tf32(float (&c)[4], const unsigned int (&a)[4], const unsigned int (&b)[2]);
void jb_emu_mma_bf16(float (&c)[4], const unsigned int (&a)[4], const unsigned int (&b)[2]);
