/*
 * A stand-in for libcuda.so.1, for testing jbert's JCuda host code (CudaDevice) on machines
 * without a GPU (FakeDriverTest). "Device memory" is host memory; the kernels residual_add and
 * linear_forward_f32 (no activation, no pre-activation) run on the CPU; every other launch is
 * accepted and ignored. Only the entry points CudaDevice calls exist (JCuda's binding resolves
 * the others lazily and never calls them).
 *
 * Knobs (environment): FAKE_CUDA_INIT (cuInit's result), FAKE_CUDA_COUNT (GPUs), FAKE_CUDA_DRIVER
 * (cuDriverGetVersion), FAKE_CUDA_CC (compute capability, e.g. 90), FAKE_CUDA_PTX (result of
 * cuModuleLoadDataEx, with a JIT error log), FAKE_CUDA_TOTAL_MIB (device memory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext, *CUstream, *CUmodule, *CUfunction;
typedef unsigned long long CUdeviceptr;

#define FAKE_CONTEXT ((CUcontext) 0x1000)
#define FAKE_STREAM ((CUstream) 0x2000)

static int knob(const char *name, int fallback) {
    const char *v = getenv(name);
    return v ? atoi(v) : fallback;
}
static size_t total_bytes(void) { return (size_t) knob("FAKE_CUDA_TOTAL_MIB", 1024) << 20; }
static size_t used_bytes = 0;
static int context_refs = 0;

CUresult cuInit(unsigned flags) { return knob("FAKE_CUDA_INIT", 0); }
CUresult cuDriverGetVersion(int *v) { *v = knob("FAKE_CUDA_DRIVER", 13000); return 0; }
CUresult cuDeviceGetCount(int *c) { *c = knob("FAKE_CUDA_COUNT", 1); return 0; }
CUresult cuDeviceGet(CUdevice *d, int ordinal) {
    if (ordinal < 0 || ordinal >= knob("FAKE_CUDA_COUNT", 1)) return 101; /* CUDA_ERROR_INVALID_DEVICE */
    *d = ordinal;
    return 0;
}
CUresult cuDeviceGetName(char *name, int len, CUdevice d) { snprintf(name, len, "Fake GPU %d", d); return 0; }
CUresult cuDeviceGetAttribute(int *v, int attribute, CUdevice d) {
    int cc = knob("FAKE_CUDA_CC", 90);
    switch (attribute) {
        case 75: *v = cc / 10; return 0;  /* COMPUTE_CAPABILITY_MAJOR */
        case 76: *v = cc % 10; return 0;  /* COMPUTE_CAPABILITY_MINOR */
        case 16: *v = 132; return 0;      /* MULTIPROCESSOR_COUNT */
        default: return 1;
    }
}
CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d) { *bytes = total_bytes(); return 0; }
CUresult cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d) { context_refs++; *c = FAKE_CONTEXT; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
    if (context_refs <= 0) return 201; /* CUDA_ERROR_INVALID_CONTEXT: released more often than retained */
    context_refs--;
    return 0;
}
CUresult cuCtxSetCurrent(CUcontext c) { return c == FAKE_CONTEXT && context_refs > 0 ? 0 : 201; }
CUresult cuStreamCreate(CUstream *s, unsigned flags) { if (flags != 1) return 1; *s = FAKE_STREAM; return 0; }
CUresult cuStreamDestroy_v2(CUstream s) { return s == FAKE_STREAM ? 0 : 400; }
CUresult cuStreamSynchronize(CUstream s) { return s == FAKE_STREAM ? 0 : 400; }
CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
    *total = total_bytes();
    *free_bytes = total_bytes() - used_bytes;
    return 0;
}
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
    if (bytes > total_bytes() - used_bytes) return 2; /* CUDA_ERROR_OUT_OF_MEMORY */
    void *m = aligned_alloc(256, (bytes + 255) / 256 * 256);
    if (!m) return 2;
    used_bytes += bytes;
    *p = (CUdeviceptr) m;
    return 0;
}
CUresult cuMemFree_v2(CUdeviceptr p) { free((void *) p); return 0; }
CUresult cuMemsetD8Async(CUdeviceptr p, unsigned char v, size_t n, CUstream s) {
    if (s != FAKE_STREAM) return 400;
    memset((void *) p, v, n);
    return 0;
}
CUresult cuMemsetD32Async(CUdeviceptr p, unsigned v, size_t n, CUstream s) {
    if (s != FAKE_STREAM || (p & 3)) return 1;
    unsigned *q = (unsigned *) p;
    for (size_t i = 0; i < n; i++) q[i] = v;
    return 0;
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s) {
    if (s != FAKE_STREAM) return 400;
    memmove((void *) dst, (void *) src, n);
    return 0;
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t n, CUstream s) {
    if (s != FAKE_STREAM) return 400;
    memcpy((void *) dst, src, n);
    return 0;
}
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n) { memcpy(dst, (void *) src, n); return 0; }
CUresult cuModuleLoadDataEx(CUmodule *m, const void *image, unsigned n, int *options, void **values) {
    int result = knob("FAKE_CUDA_PTX", 0);
    if (!strstr((const char *) image, ".version 9.0")) result = 218; /* not our (NUL-terminated) PTX */
    if (result) {
        for (unsigned i = 0; i < n; i++) {
            if (options[i] == 5) strcpy((char *) values[i], "ptxas fatal   : fake failure\nsecond line");
        }
        return result;
    }
    *m = (CUmodule) strdup("module");
    return 0;
}
CUresult cuModuleUnload(CUmodule m) { free(m); return 0; }
CUresult cuModuleGetFunction(CUfunction *f, CUmodule m, const char *name) { *f = strdup(name); return 0; }
CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                        unsigned bz, unsigned shared, CUstream s, void **p, void **extra) {
    if (bx * by * bz > 1024) return 1; /* CUDA_ERROR_INVALID_VALUE */
    if (s != FAKE_STREAM) return 400;
    const char *name = (const char *) f;
    if (!strcmp(name, "residual_add")) {
        const float *a = *(const float **) p[0], *b = *(const float **) p[1];
        float *out = *(float **) p[2];
        int n = *(int *) p[3];
        for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
    } else if (!strcmp(name, "linear_forward_f32")) {
        const float *x = *(const float **) p[0], *w = *(const float **) p[1], *bias = *(const float **) p[2];
        float *pre = *(float **) p[3], *out = *(float **) p[4];
        int M = *(int *) p[5], N = *(int *) p[6], K = *(int *) p[7], act = *(int *) p[8];
        if (act != 0 || pre) return 1;
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double sum = 0;
                for (int k = 0; k < K; k++) sum += (double) x[(size_t) i * K + k] * w[(size_t) j * K + k];
                out[(size_t) i * N + j] = (float) (sum + (bias ? bias[j] : 0));
            }
        }
    }
    return 0;
}
