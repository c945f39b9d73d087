package dev.jbert.kernels.cuda;

/**
 * A linear layer's product in PyTorch's row-major layout, restated as the column-major GEMM that
 * BLAS computes: {@code C(m×n) = op(A)(m×k) · op(B)(k×n)}, with leading dimensions.
 *
 * <p>The mapping rests on one fact: a row-major matrix {@code [R, C]} is, byte for byte, the
 * column-major matrix {@code C×R} (its transpose) with leading dimension {@code C}. So
 * {@code x [M, K]} is seen as {@code xᵀ} (K×M, ld K), {@code w [N, K]} as {@code wᵀ} (K×N, ld K),
 * {@code dy [M, N]} as {@code dyᵀ} (N×M, ld N), and a row-major result is computed as its
 * transpose:
 * <ul>
 *   <li>forward {@code out[M,N] = x·wᵀ}: {@code outᵀ (N×M) = w·xᵀ = op_T(wᵀ)·xᵀ} →
 *       {@code gemm(T, N, m=N, n=M, k=K, A=w, lda=K, B=x, ldb=K, C=out, ldc=N)};</li>
 *   <li>backward input {@code dx[M,K] = dy·w}: {@code dxᵀ (K×M) = wᵀ·dyᵀ} →
 *       {@code gemm(N, N, m=K, n=M, k=N, A=w, lda=K, B=dy, ldb=N, C=dx, ldc=K)};</li>
 *   <li>backward weight {@code dw[N,K] = dyᵀ·x}: {@code dwᵀ (K×N) = xᵀ·dy = xᵀ·op_T(dyᵀ)} →
 *       {@code gemm(N, T, m=K, n=N, k=M, A=x, lda=K, B=dy, ldb=N, C=dw, ldc=K)}.</li>
 * </ul>
 * No data is transposed in memory; only the roles and the op flags change.
 *
 * @param transA whether op(A) = Aᵀ
 * @param transB whether op(B) = Bᵀ
 * @param a device address of A, {@code b} of B, {@code c} of C
 */
record ColumnMajorGemm(boolean transA, boolean transB, int m, int n, int k,
                       long a, int lda, long b, int ldb, long c, int ldc) {

    /** {@code out[M,N] = x[M,K]·w[N,K]ᵀ}. */
    static ColumnMajorGemm linearForward(long x, long w, long out, int mRows, int nOut, int kIn) {
        return new ColumnMajorGemm(true, false, nOut, mRows, kIn, w, kIn, x, kIn, out, nOut);
    }

    /** {@code dx[M,K] = dy[M,N]·w[N,K]}. */
    static ColumnMajorGemm linearBackwardInput(long dy, long w, long dx, int mRows, int nOut, int kIn) {
        return new ColumnMajorGemm(false, false, kIn, mRows, nOut, w, kIn, dy, nOut, dx, kIn);
    }

    /** {@code dw[N,K] = dy[M,N]ᵀ·x[M,K]}. */
    static ColumnMajorGemm linearBackwardWeight(long dy, long x, long dw, int mRows, int nOut, int kIn) {
        return new ColumnMajorGemm(false, true, kIn, nOut, mRows, x, kIn, dy, nOut, dw, kIn);
    }
}
