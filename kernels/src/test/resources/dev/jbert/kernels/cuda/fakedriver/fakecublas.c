/*
 * A stand-in for libcublas.so.12 (symbols versioned "libcublas.so.12", as JCublas links them):
 * the column-major GEMM of the BLAS definition on host memory, float32 or bf16 inputs, for
 * FakeDriverTest. Checks what jbert's Cublas must pass: the stream, leading dimensions, and the
 * compute type of each input type (FAST_TF32 for float32 GemmEx, 32F for bf16).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int cublasStatus_t;
typedef void *cublasHandle_t, *cudaStream_t;

cublasStatus_t cublasCreate_v2(cublasHandle_t *h) { *h = malloc(16); return 0; }
cublasStatus_t cublasDestroy_v2(cublasHandle_t h) { free(h); return 0; }
cublasStatus_t cublasSetStream_v2(cublasHandle_t h, cudaStream_t s) { return s == (cudaStream_t) 0x2000 ? 0 : 7; }
cublasStatus_t cublasGetMathMode(cublasHandle_t h, int *mode) { *mode = 0; return 0; }
cublasStatus_t cublasGetPointerMode_v2(cublasHandle_t h, int *mode) { *mode = 0; return 0; }

static float load(const void *p, int type, size_t i) {
    if (type == 0) return ((const float *) p)[i];
    uint32_t bits = (uint32_t) ((const uint16_t *) p)[i] << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static cublasStatus_t gemm(int ta, int tb, int m, int n, int k, const float *alpha, const void *A, int at, int lda,
                           const void *B, int bt, int ldb, const float *beta, float *C, int ldc) {
    if (lda < (ta ? k : m) || ldb < (tb ? n : k) || ldc < m) return 7; /* CUBLAS_STATUS_INVALID_VALUE */
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float a = ta ? load(A, at, p + (size_t) i * lda) : load(A, at, i + (size_t) p * lda);
                float b = tb ? load(B, bt, j + (size_t) p * ldb) : load(B, bt, p + (size_t) j * ldb);
                s += (double) a * b;
            }
            double c = *beta == 0 ? 0 : *beta * (double) C[i + (size_t) j * ldc];
            C[i + (size_t) j * ldc] = (float) (*alpha * s + c);
        }
    }
    return 0;
}

cublasStatus_t cublasSgemm_v2(cublasHandle_t h, int ta, int tb, int m, int n, int k, const float *alpha,
                              const float *A, int lda, const float *B, int ldb, const float *beta, float *C, int ldc) {
    return gemm(ta, tb, m, n, k, alpha, A, 0, lda, B, 0, ldb, beta, C, ldc);
}

cublasStatus_t cublasGemmEx(cublasHandle_t h, int ta, int tb, int m, int n, int k, const void *alpha,
                            const void *A, int at, int lda, const void *B, int bt, int ldb, const void *beta,
                            void *C, int ct, int ldc, int compute, int algo) {
    if (ct != 0 || at != bt) return 15;              /* CUBLAS_STATUS_NOT_SUPPORTED */
    if (at == 0 && compute != 77) return 15;          /* float32 inputs: CUBLAS_COMPUTE_32F_FAST_TF32 */
    if (at == 14 && compute != 68) return 15;         /* CUDA_R_16BF inputs: CUBLAS_COMPUTE_32F */
    if (at != 0 && at != 14) return 15;
    return gemm(ta, tb, m, n, k, alpha, A, at, lda, B, bt, ldb, beta, C, ldc);
}
