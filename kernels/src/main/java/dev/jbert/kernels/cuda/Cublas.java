package dev.jbert.kernels.cuda;

import static jcuda.jcublas.JCublas2.cublasCreate;
import static jcuda.jcublas.JCublas2.cublasDestroy;
import static jcuda.jcublas.JCublas2.cublasGemmEx_new;
import static jcuda.jcublas.JCublas2.cublasSetStream;
import static jcuda.jcublas.JCublas2.cublasSgemm;

import dev.jbert.kernels.device.DeviceException;
import dev.jbert.kernels.ops.Precision;
import java.util.Objects;
import java.util.Optional;
import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * NVIDIA's cuBLAS computing the linear layers' three products, on the same device buffers and the
 * same stream as our kernels: the baseline the GEMM kernels are benchmarked against (and a
 * possible fallback). Products only — no bias, no activation:
 * <ul>
 *   <li>{@link #linearForward}: {@code out[M,N] = x[M,K]·w[N,K]ᵀ}</li>
 *   <li>{@link #linearBackwardInput}: {@code dx[M,K] (+)= dy[M,N]·w[N,K]}</li>
 *   <li>{@link #linearBackwardWeight}: {@code dw[N,K] (+)= dy[M,N]ᵀ·x[M,K]}</li>
 * </ul>
 * in PyTorch's row-major layout, mapped onto cuBLAS's column-major GEMM as
 * {@link ColumnMajorGemm} explains. Precisions:
 * <ul>
 *   <li>FP32: {@code cublasSgemm} (float32 on CUDA cores; cuBLAS's default math mode never uses
 *       tf32 for it);</li>
 *   <li>TF32: {@code cublasGemmEx}, float32 buffers, {@code CUBLAS_COMPUTE_32F_FAST_TF32};</li>
 *   <li>BF16: {@code cublasGemmEx} with {@code CUDA_R_16BF} <em>inputs</em> ({@code x}, {@code w},
 *       {@code dy} must be bf16 device buffers, 2 bytes per element; fill them from floats with
 *       {@link Bf16#pack}), float32 output, {@code CUBLAS_COMPUTE_32F}. Our own kernels take
 *       float32 buffers and round while loading; cuBLAS cannot, so the benchmark keeps bf16
 *       copies of the operands.</li>
 * </ul>
 *
 * <p>JCublas 12.6's {@code cublasGemmEx} takes its compute type as a legacy {@code cudaDataType}
 * (CUDA 10 style) and answers {@code CUBLAS_STATUS_NOT_SUPPORTED} to a {@code cublasComputeType_t}
 * such as {@code CUBLAS_COMPUTE_32F_FAST_TF32}; {@code cublasGemmEx_new} passes it through as is.
 *
 * <p>cuBLAS is not needed to run jbert: JCublas 12.6 links {@code libcublas.so.12} (from a CUDA 12
 * toolkit or the {@code nvidia-cublas-cu12} wheel), which a machine with only a driver lacks.
 * {@link #tryOpen} then returns empty and {@link #unavailableReason} says why.
 */
public final class Cublas implements AutoCloseable {
    private static boolean loaded;
    private static String loadFailure;
    private static String lastReason;

    private final CudaDevice device;
    private final cublasHandle handle;
    private boolean closed;

    private Cublas(CudaDevice device, cublasHandle handle) {
        this.device = device;
        this.handle = handle;
    }

    /**
     * A cuBLAS handle on {@code device}'s context and stream, or empty (with
     * {@link #unavailableReason}) when JCublas's native library or {@code libcublas.so.12} does not
     * load, or cuBLAS does not initialise. Never throws for a missing library.
     */
    public static Optional<Cublas> tryOpen(CudaDevice device) {
        Objects.requireNonNull(device, "device");
        synchronized (Cublas.class) {
            if (!loaded && loadFailure == null) {
                try {
                    JCublas2.setExceptionsEnabled(false);
                    loaded = true;
                } catch (LinkageError | RuntimeException e) {
                    loadFailure = reason(e);
                }
            }
            if (!loaded) {
                lastReason = loadFailure;
                return Optional.empty();
            }
        }
        synchronized (device) {
            device.enter();
            cublasHandle handle = new cublasHandle();
            int status = cublasCreate(handle);
            if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                setReason("cublasCreate on " + device.name() + " failed: " + statusName(status));
                return Optional.empty();
            }
            status = cublasSetStream(handle, new cudaStream_t(device.stream()));
            if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                cublasDestroy(handle);
                setReason("cublasSetStream on " + device.name() + " failed: " + statusName(status));
                return Optional.empty();
            }
            Cublas cublas = new Cublas(device, handle);
            device.onClose(cublas::destroy);
            return Optional.of(cublas);
        }
    }

    /** Why the last {@link #tryOpen} returned empty (one line), or null if none has failed. */
    public static synchronized String unavailableReason() {
        return lastReason;
    }

    private static synchronized void setReason(String reason) {
        lastReason = reason;
    }

    private static String reason(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        if (all.indexOf("libcublas") >= 0) {
            return "cuBLAS 12 not found (libcublas.so.12 could not be loaded): the cuBLAS baseline needs the CUDA 12 cuBLAS"
                    + " libraries (e.g. a CUDA 12 toolkit's lib64) on LD_LIBRARY_PATH";
        }
        String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
        return "JCublas's native library could not be loaded (" + e.getClass().getSimpleName() + ": " + first + ")";
    }

    private static String statusName(int status) {
        return cublasStatus.stringFor(status) + " (" + status + ")";
    }

    // ------------------------------------------------------------------ the three products

    /**
     * {@code out[M,N] = x[M,K]·w[N,K]ᵀ}, asynchronously on the device's stream. For BF16, {@code x}
     * and {@code w} are bf16 buffers; {@code out} is float32 in every precision.
     */
    public void linearForward(Precision precision, long x, long w, long out, int m, int n, int k) {
        sizes("linearForward", m, n, k);
        gemm(precision, "linearForward", ColumnMajorGemm.linearForward(x, w, out, m, n, k), 0f);
    }

    /**
     * {@code dx[M,K] = dy[M,N]·w[N,K]}, or {@code dx += dy·w} with {@code accumulate}. For BF16,
     * {@code dy} and {@code w} are bf16 buffers; {@code dx} is float32.
     */
    public void linearBackwardInput(Precision precision, long dy, long w, long dx, int m, int n, int k,
                                    boolean accumulate) {
        sizes("linearBackwardInput", m, n, k);
        gemm(precision, "linearBackwardInput", ColumnMajorGemm.linearBackwardInput(dy, w, dx, m, n, k),
                accumulate ? 1f : 0f);
    }

    /**
     * {@code dw[N,K] = dy[M,N]ᵀ·x[M,K]}, or {@code dw += dyᵀ·x} with {@code accumulate} (what the
     * {@code linear_backward_weight} kernels do). For BF16, {@code dy} and {@code x} are bf16
     * buffers; {@code dw} is float32.
     */
    public void linearBackwardWeight(Precision precision, long dy, long x, long dw, int m, int n, int k,
                                     boolean accumulate) {
        sizes("linearBackwardWeight", m, n, k);
        gemm(precision, "linearBackwardWeight", ColumnMajorGemm.linearBackwardWeight(dy, x, dw, m, n, k),
                accumulate ? 1f : 0f);
    }

    private static void sizes(String op, int m, int n, int k) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException(op + ": M, N and K must be ≥ 1, got M=" + m + ", N=" + n + ", K=" + k);
        }
    }

    private void gemm(Precision precision, String op, ColumnMajorGemm g, float beta) {
        Objects.requireNonNull(precision, "precision");
        Pointer alpha = Pointer.to(new float[] {1f});
        Pointer betaPtr = Pointer.to(new float[] {beta});
        int transA = g.transA() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int transB = g.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        synchronized (device) {
            requireOpen();
            device.enter();
            int status = switch (precision) {
                case FP32 -> cublasSgemm(handle, transA, transB, g.m(), g.n(), g.k(), alpha,
                        DevicePointer.at(g.a()), g.lda(), DevicePointer.at(g.b()), g.ldb(), betaPtr,
                        DevicePointer.at(g.c()), g.ldc());
                case TF32 -> cublasGemmEx_new(handle, transA, transB, g.m(), g.n(), g.k(), alpha,
                        DevicePointer.at(g.a()), cudaDataType.CUDA_R_32F, g.lda(),
                        DevicePointer.at(g.b()), cudaDataType.CUDA_R_32F, g.ldb(), betaPtr,
                        DevicePointer.at(g.c()), cudaDataType.CUDA_R_32F, g.ldc(),
                        cublasComputeType.CUBLAS_COMPUTE_32F_FAST_TF32, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT);
                case BF16 -> cublasGemmEx_new(handle, transA, transB, g.m(), g.n(), g.k(), alpha,
                        DevicePointer.at(g.a()), cudaDataType.CUDA_R_16BF, g.lda(),
                        DevicePointer.at(g.b()), cudaDataType.CUDA_R_16BF, g.ldb(), betaPtr,
                        DevicePointer.at(g.c()), cudaDataType.CUDA_R_32F, g.ldc(),
                        cublasComputeType.CUBLAS_COMPUTE_32F, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT);
            };
            if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                throw new DeviceException("cuBLAS " + op + " (" + precision + ", column-major m=" + g.m() + " n=" + g.n()
                        + " k=" + g.k() + ") failed: " + statusName(status));
            }
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this cuBLAS handle is closed");
        }
    }

    /** Destroys the cuBLAS handle (the device stays open). Idempotent. */
    @Override
    public void close() {
        synchronized (device) {
            if (closed) {
                return;
            }
            if (!device.isClosed()) {
                device.enter();
            }
            destroy();
        }
    }

    /** Releases the handle; the caller has made the device's context current. */
    private void destroy() {
        if (!closed) {
            closed = true;
            cublasDestroy(handle);
        }
    }
}
