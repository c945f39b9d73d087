package dev.jbert.kernels.device;

/**
 * A place where our CUDA kernels run: a real GPU through the CUDA driver API
 * ({@code dev.jbert.kernels.cuda.CudaDevice}) or, for tests on machines without one, the CPU
 * emulator built from the same {@code .cu} sources.
 *
 * <p>Device memory is addressed by plain {@code long} pointers ({@code 0} = null), as the
 * driver API does. All launches and copies go to one in-order stream: a copy to the host
 * waits for the launches before it, so results read back are always complete. Methods throw
 * {@link DeviceException} (with the CUDA error name and what was being done) on failure, and
 * {@link DeviceOutOfMemoryException} when an allocation does not fit.
 */
public interface Device extends AutoCloseable {
    /** What this is, for logs: e.g. {@code "NVIDIA H100 80GB HBM3 (sm_90, driver 580.65)"}. */
    String description();

    /** Total device memory in bytes. */
    long totalMemory();

    /** Free device memory in bytes now. */
    long freeMemory();

    /** Allocates {@code bytes} (≥ 1) of device memory aligned to at least 256 bytes. */
    long alloc(long bytes);

    /** Frees what {@link #alloc} returned; {@code 0} is ignored. */
    void free(long ptr);

    /** Sets {@code bytes} bytes at {@code ptr} to zero (asynchronous, on the stream). */
    void zero(long ptr, long bytes);

    /** Copies {@code bytes} bytes between device buffers (asynchronous, on the stream). */
    void copy(long dst, long src, long bytes);

    void toDevice(long dst, float[] src, int srcOff, int n);

    void toDevice(long dst, int[] src, int srcOff, int n);

    void toDevice(long dst, long[] src, int srcOff, int n);

    void toDevice(long dst, double[] src, int srcOff, int n);

    /** Copies n floats to the host after every launch before it has finished. */
    void toHost(long src, float[] dst, int dstOff, int n);

    void toHost(long src, int[] dst, int dstOff, int n);

    void toHost(long src, double[] dst, int dstOff, int n);

    /**
     * The kernel {@code entryPoint} of the PTX module {@code module} (the file name without
     * {@code .ptx}: {@code gemm_f32}, {@code attention}, ...), loaded once and cached.
     */
    Kernel kernel(String module, String entryPoint);

    /**
     * Launches {@code kernel} on the stream with the given grid and block (static shared memory
     * only). {@code args} must match the kernel's C parameters in order and type.
     */
    void launch(Kernel kernel, Dim3 grid, Dim3 block, KernelArgs args);

    /** Waits until everything queued on the stream has finished; reports asynchronous errors. */
    void synchronize();

    /** Releases the device's resources (memory, modules, context). Idempotent. */
    @Override
    void close();
}
