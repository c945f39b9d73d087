// Tensor-core building blocks shared by gemm_tc.cu and attention.cu's bf16 kernels: rounding to
// tf32 / bf16 pairs and the mma.sync instructions (m16n8k8 tf32, m16n8k16 bf16; fp32 accumulate).
// Under -DJB_EMULATE (the CPU emulator, emulator/) the inline PTX is replaced by jb_emu_*.
#pragma once

#include "common.cuh"

namespace jb {

__device__ __forceinline__ unsigned int to_tf32(float x) {
#ifdef JB_EMULATE
    return jb_emu_tf32(x);
#else
    unsigned int r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return r;
#endif
}

// Two floats to a bf16 pair: lo in bits 0..15, hi in bits 16..31 (round to nearest even).
__device__ __forceinline__ unsigned int to_bf16x2(float lo, float hi) {
#ifdef JB_EMULATE
    return jb_emu_bf16x2(lo, hi);
#else
    unsigned int r;
    asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(r) : "f"(hi), "f"(lo));
    return r;
#endif
}

__device__ __forceinline__ void mma_tf32(float (&c)[4], const unsigned int (&a)[4], const unsigned int (&b)[2]) {
#ifdef JB_EMULATE
    jb_emu_mma_tf32(c, a, b);
#else
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}

__device__ __forceinline__ void mma_bf16(float (&c)[4], const unsigned int (&a)[4], const unsigned int (&b)[2]) {
#ifdef JB_EMULATE
    jb_emu_mma_bf16(c, a, b);
#else
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}

}  // namespace jb
