package dev.jbert.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.jbert.engine.backend.BackendUnavailableException;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.device.DeviceException;
import dev.jbert.kernels.device.DeviceOutOfMemoryException;
import dev.jbert.kernels.device.Dim3;
import dev.jbert.kernels.device.Kernel;
import dev.jbert.kernels.device.KernelArgs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * One NVIDIA GPU running our PTX kernels through the CUDA driver API (JCuda's
 * {@code JCudaDriver}, which needs only {@code libcuda.so.1}: no CUDA toolkit on the machine).
 *
 * <p><b>Context, stream, threads.</b> The device's primary context is retained at {@link #open}
 * and made current on whichever Java thread calls (the training loop, an HTTP server's workers):
 * a thread-local remembers which context this class last made current on each thread, so the
 * switch costs one driver call only when it is needed. Every launch, copy and fill goes to one
 * non-blocking stream, in order. All methods synchronize on the device: one caller at a time.
 *
 * <p><b>Copies.</b> {@code toDevice} copies from Java arrays (pageable memory) with
 * {@code cuMemcpyHtoDAsync} on the stream and then waits for the stream, so the array may be
 * reused at once and later launches see the data. {@code toHost} waits for the stream and then
 * copies, so reads see every launch queued before them.
 *
 * <p><b>Kernels.</b> {@link #kernel} loads {@code /dev/jbert/kernels/ptx/<module>.ptx} from the
 * class path once per module ({@code cuModuleLoadDataEx}, the driver JIT-compiles it for this GPU)
 * and caches each entry point. {@link #launch} checks the arguments against the entry point's PTX
 * parameter list before the driver reads them.
 *
 * <p><b>Errors.</b> A machine that cannot run the kernels (no driver, no GPU, driver older than
 * R580, GPU older than compute capability 8.0) gets a {@link BackendUnavailableException} with one
 * sentence from {@link #open}; failing calls throw {@link DeviceException} naming the call and the
 * CUDA error ({@code CUDA_ERROR_ILLEGAL_ADDRESS (700)}); an allocation that does not fit throws
 * {@link DeviceOutOfMemoryException} saying how much was asked for and how much is free.
 */
public final class CudaDevice implements Device {
    /** The context this class last made current on each thread (identity compared). */
    private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();
    private static final double MIB = 1024.0 * 1024.0;
    private static final double GIB = MIB * 1024.0;

    private final int ordinal;
    private final CUdevice device;
    private final CUcontext context;
    private final CUstream stream;
    private final String name;
    private final int computeMajor;
    private final int computeMinor;
    private final int driverVersion;
    private final String description;

    private final Allocations allocations = new Allocations();
    private final CudaModules modules = new CudaModules(this);
    /** Things to release before the context (cuBLAS handles), newest last. */
    private final List<Runnable> closeHooks = new ArrayList<>();
    private boolean closed;

    private CudaDevice(int ordinal, CUdevice device, CUcontext context, CUstream stream, String name,
                       int computeMajor, int computeMinor, int smCount, long totalBytes, int driverVersion) {
        this.ordinal = ordinal;
        this.device = device;
        this.context = context;
        this.stream = stream;
        this.name = name;
        this.computeMajor = computeMajor;
        this.computeMinor = computeMinor;
        this.driverVersion = driverVersion;
        this.description = String.format(Locale.ROOT, "%s (sm_%d%d, %d SMs, %.1f GiB, CUDA driver %s)",
                name, computeMajor, computeMinor, smCount, totalBytes / GIB, CudaDriver.cudaVersion(driverVersion));
    }

    /**
     * Opens GPU {@code ordinal} (0 = the first): loads the driver binding, checks that the driver
     * and the GPU can run our PTX, retains the primary context and creates the stream. Throws
     * BackendUnavailableException, with one sentence, when this machine cannot.
     */
    public static CudaDevice open(int ordinal) {
        CudaDriver.load();
        try {
            return openLoaded(ordinal);
        } catch (BackendUnavailableException e) {
            throw e;
        } catch (LinkageError | RuntimeException e) {
            throw new BackendUnavailableException("opening CUDA GPU " + ordinal + " failed: " + e.getMessage()
                    + "; use --device cpu", e);
        }
    }

    private static CudaDevice openLoaded(int ordinal) {
        int result = cuInit(0);
        if (result != CUresult.CUDA_SUCCESS) {
            throw new BackendUnavailableException(CudaRequirements.initFailed(result));
        }
        int[] value = new int[1];
        requireOpen(cuDriverGetVersion(value), "cuDriverGetVersion");
        int driverVersion = value[0];
        // before any call that an old driver might not export (JCuda binds lazily: a missing
        // symbol would end the process, not throw)
        CudaRequirements.driverTooOld(driverVersion).ifPresent(CudaDevice::unavailable);
        requireOpen(cuDeviceGetCount(value), "cuDeviceGetCount");
        int count = value[0];
        if (count == 0) {
            throw new BackendUnavailableException(
                    "no CUDA GPU found (cuDeviceGetCount is 0), although an NVIDIA driver is installed; use --device cpu");
        }
        CudaRequirements.ordinalOutOfRange(ordinal, count).ifPresent(CudaDevice::unavailable);

        CUdevice device = new CUdevice();
        requireOpen(cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        byte[] nameBytes = new byte[256];
        requireOpen(cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
        String name = cString(nameBytes);
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int sms = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        long[] total = new long[1];
        requireOpen(cuDeviceTotalMem(total, device), "cuDeviceTotalMem");
        CudaRequirements.gpuTooOld(name, major, minor).ifPresent(CudaDevice::unavailable);

        CUcontext context = new CUcontext();
        requireOpen(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain on " + name);
        CUstream stream = new CUstream();
        try {
            requireOpen(cuCtxSetCurrent(context), "cuCtxSetCurrent on " + name);
            CURRENT.set(context);
            requireOpen(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate on " + name);
        } catch (RuntimeException e) {
            cuDevicePrimaryCtxRelease(device);
            CURRENT.remove();
            throw e;
        }
        return new CudaDevice(ordinal, device, context, stream, name, major, minor, sms, total[0], driverVersion);
    }

    private static void unavailable(String reason) {
        throw new BackendUnavailableException(reason);
    }

    private static void requireOpen(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new BackendUnavailableException(what + " failed: " + CudaErrors.name(result) + "; use --device cpu");
        }
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] v = new int[1];
        requireOpen(cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return v[0];
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8).strip();
    }

    // ------------------------------------------------------------------ what it is

    @Override
    public String description() {
        return description;
    }

    /** The device ordinal this was opened with. */
    public int ordinal() {
        return ordinal;
    }

    /** The GPU's name ({@code cuDeviceGetName}). */
    public String name() {
        return name;
    }

    /** Compute capability as major·10 + minor (90 for an H100). */
    public int computeCapability() {
        return computeMajor * 10 + computeMinor;
    }

    /** {@code cuDriverGetVersion}: the CUDA version the driver supports, e.g. 13000 for 13.0. */
    public int driverVersion() {
        return driverVersion;
    }

    @Override
    public synchronized long totalMemory() {
        return memInfo()[1];
    }

    @Override
    public synchronized long freeMemory() {
        return memInfo()[0];
    }

    /** Bytes this device has allocated and not yet freed. */
    public synchronized long allocatedBytes() {
        return allocations.bytes();
    }

    private long[] memInfo() {
        enter();
        long[] free = new long[1];
        long[] total = new long[1];
        CudaErrors.check(cuMemGetInfo(free, total), "cuMemGetInfo on " + name);
        return new long[] {free[0], total[0]};
    }

    // ------------------------------------------------------------------ memory

    @Override
    public synchronized long alloc(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("alloc: bytes must be ≥ 1, got " + bytes);
        }
        enter();
        DevicePointer p = new DevicePointer();
        int result = cuMemAlloc(p, bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long[] info = memInfo();
            throw new DeviceOutOfMemoryException(String.format(Locale.ROOT,
                    "out of GPU memory on %s: asked for %.1f MiB with %.1f MiB free of %.1f MiB",
                    description, bytes / MIB, info[0] / MIB, info[1] / MIB));
        }
        CudaErrors.check(result, "cuMemAlloc of " + bytes + " bytes on " + name);
        long address = p.address();
        allocations.add(address, bytes);
        return address;
    }

    @Override
    public synchronized void free(long ptr) {
        if (ptr == 0) {
            return;
        }
        enter();
        if (!allocations.contains(ptr)) {
            throw new IllegalArgumentException("free: " + Allocations.hex(ptr) + " is not an allocation of this device "
                    + "(freed already, or an address inside one)");
        }
        CudaErrors.check(cuMemFree(DevicePointer.at(ptr)), "cuMemFree of " + Allocations.hex(ptr));
        allocations.remove(ptr);
    }

    @Override
    public synchronized void zero(long ptr, long bytes) {
        if (bytes == 0) {
            return;
        }
        enter();
        allocations.requireInside("zero", ptr, bytes);
        int result = (ptr & 3) == 0 && (bytes & 3) == 0
                ? cuMemsetD32Async(DevicePointer.at(ptr), 0, bytes / 4, stream)
                : cuMemsetD8Async(DevicePointer.at(ptr), (byte) 0, bytes, stream);
        CudaErrors.check(result, "zeroing " + bytes + " bytes at " + Allocations.hex(ptr));
    }

    @Override
    public synchronized void copy(long dst, long src, long bytes) {
        if (bytes == 0) {
            return;
        }
        enter();
        allocations.requireInside("copy (destination)", dst, bytes);
        allocations.requireInside("copy (source)", src, bytes);
        CudaErrors.check(cuMemcpyDtoDAsync(DevicePointer.at(dst), DevicePointer.at(src), bytes, stream),
                "copying " + bytes + " bytes from " + Allocations.hex(src) + " to " + Allocations.hex(dst));
    }

    @Override
    public void toDevice(long dst, float[] src, int srcOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        upload(dst, Pointer.to(src).withByteOffset((long) srcOff * Sizeof.FLOAT), (long) n * Sizeof.FLOAT);
    }

    @Override
    public void toDevice(long dst, int[] src, int srcOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        upload(dst, Pointer.to(src).withByteOffset((long) srcOff * Sizeof.INT), (long) n * Sizeof.INT);
    }

    @Override
    public void toDevice(long dst, long[] src, int srcOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        upload(dst, Pointer.to(src).withByteOffset((long) srcOff * Sizeof.LONG), (long) n * Sizeof.LONG);
    }

    @Override
    public void toDevice(long dst, double[] src, int srcOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        upload(dst, Pointer.to(src).withByteOffset((long) srcOff * Sizeof.DOUBLE), (long) n * Sizeof.DOUBLE);
    }

    @Override
    public void toHost(long src, float[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        download(src, Pointer.to(dst).withByteOffset((long) dstOff * Sizeof.FLOAT), (long) n * Sizeof.FLOAT);
    }

    @Override
    public void toHost(long src, int[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        download(src, Pointer.to(dst).withByteOffset((long) dstOff * Sizeof.INT), (long) n * Sizeof.INT);
    }

    /** Copies n longs to the host after every launch before it has finished. */
    public void toHost(long src, long[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        download(src, Pointer.to(dst).withByteOffset((long) dstOff * Sizeof.LONG), (long) n * Sizeof.LONG);
    }

    @Override
    public void toHost(long src, double[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        download(src, Pointer.to(dst).withByteOffset((long) dstOff * Sizeof.DOUBLE), (long) n * Sizeof.DOUBLE);
    }

    /** Host array → device, ordered on the stream; returns when the array has been read. */
    private synchronized void upload(long dst, Pointer src, long bytes) {
        if (bytes == 0) {
            return;
        }
        enter();
        allocations.requireInside("toDevice", dst, bytes);
        CudaErrors.check(cuMemcpyHtoDAsync(DevicePointer.at(dst), src, bytes, stream),
                "copying " + bytes + " bytes to the device at " + Allocations.hex(dst));
        // the source is pageable Java memory that JCuda pins only for the call: wait until the copy is done
        CudaErrors.check(cuStreamSynchronize(stream), "waiting for the copy of " + bytes + " bytes to " + Allocations.hex(dst));
    }

    /** Device → host array, after everything queued on the stream. */
    private synchronized void download(long src, Pointer dst, long bytes) {
        if (bytes == 0) {
            return;
        }
        enter();
        allocations.requireInside("toHost", src, bytes);
        CudaErrors.check(cuStreamSynchronize(stream), "waiting for the stream before copying " + bytes + " bytes from " + Allocations.hex(src)
                + " (an earlier launch or copy failed)");
        CudaErrors.check(cuMemcpyDtoH(dst, DevicePointer.at(src), bytes), "copying " + bytes + " bytes from the device at " + Allocations.hex(src));
    }

    // ------------------------------------------------------------------ kernels

    @Override
    public synchronized Kernel kernel(String module, String entryPoint) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(entryPoint, "entryPoint");
        enter();
        return modules.kernel(module, entryPoint);
    }

    @Override
    public synchronized void launch(Kernel kernel, Dim3 grid, Dim3 block, KernelArgs args) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(args, "args");
        enter();
        if (!(kernel.handle() instanceof CudaModules.Function f) || f.owner() != this) {
            throw new IllegalArgumentException("launch: kernel " + kernel + " was not loaded by this device (" + description + ")");
        }
        List<KernelArgs.Arg> list = args.list();
        KernelParams.check(kernel.toString(), f.parameters(), list);
        int result = cuLaunchKernel(f.function(), grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(),
                0, stream, KernelParams.pack(list), null);
        if (result != CUresult.CUDA_SUCCESS) {
            throw new DeviceException("launch of " + kernel + " with grid " + dims(grid) + " and block " + dims(block)
                    + " failed: " + CudaErrors.name(result) + launchHint(result));
        }
    }

    private static String launchHint(int result) {
        return switch (result) {
            case CUresult.CUDA_ERROR_INVALID_VALUE ->
                    " (grid or block beyond the device's limits: at most 1024 threads per block, grid y and z ≤ 65535)";
            case CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES ->
                    " (the block needs more registers than an SM offers at this block size)";
            default -> CudaErrors.consequence(result);
        };
    }

    private static String dims(Dim3 d) {
        return "(" + d.x() + ", " + d.y() + ", " + d.z() + ")";
    }

    @Override
    public synchronized void synchronize() {
        enter();
        CudaErrors.check(cuStreamSynchronize(stream), "waiting for the kernels and copies queued on " + name);
    }

    // ------------------------------------------------------------------ lifetime

    /**
     * Frees every allocation still live, unloads the modules, destroys the stream and releases the
     * primary context. Idempotent; best effort (a context left unusable by a faulted kernel is
     * still released), never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cuCtxSetCurrent(context) == CUresult.CUDA_SUCCESS) {
            CURRENT.set(context);
        }
        for (int i = closeHooks.size() - 1; i >= 0; i--) {
            try {
                closeHooks.get(i).run();
            } catch (RuntimeException ignored) {
                // best effort: the context is released below in any case
            }
        }
        closeHooks.clear();
        cuStreamSynchronize(stream);
        for (long ptr : allocations.addresses()) {
            cuMemFree(DevicePointer.at(ptr));
        }
        allocations.clear();
        modules.unloadAll();
        cuStreamDestroy(stream);
        cuDevicePrimaryCtxRelease(device);
        if (CURRENT.get() == context) {
            CURRENT.remove();
        }
    }

    /** Whether {@link #close} has been called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "CudaDevice[" + ordinal + ": " + description + (closed ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------ for Cublas

    /**
     * Makes this device's context current on the calling thread; throws IllegalStateException once
     * the device is closed. Callers hold the device's monitor.
     */
    void enter() {
        if (closed) {
            throw new IllegalStateException("the CUDA device " + description + " is closed");
        }
        if (CURRENT.get() != context) {
            CudaErrors.check(cuCtxSetCurrent(context), "cuCtxSetCurrent on " + name);
            CURRENT.set(context);
        }
    }

    /** The stream every launch and copy goes to. */
    CUstream stream() {
        return stream;
    }

    /** Registers something to release when the device closes, before the context goes. */
    synchronized void onClose(Runnable hook) {
        closeHooks.add(hook);
    }
}
