/**
 * The CUDA backend's host side on a real GPU: {@link dev.jbert.kernels.cuda.CudaDevice} runs our
 * PTX kernels through JCuda's binding of the CUDA driver API (one primary context, one stream),
 * and {@link dev.jbert.kernels.cuda.Cublas} computes the linear layers' products with cuBLAS as the
 * baseline our own GEMM kernels are measured against.
 *
 * <p>Nothing here is needed on a machine without a GPU: {@code CudaDevice.open} then throws
 * {@link dev.jbert.engine.backend.BackendUnavailableException} with one sentence saying what is
 * missing, and the JVM carries on.
 */
package dev.jbert.kernels.cuda;
