package dev.jbert.bench.gpu;

import dev.jbert.engine.backend.BackendUnavailableException;
import dev.jbert.kernels.cuda.Cublas;
import dev.jbert.kernels.cuda.CudaDevice;
import dev.jbert.kernels.device.Device;
import java.util.Optional;

/**
 * The GPU a benchmark JVM measures on: {@code CudaDevice.open(0)}, opened on first use and kept
 * for the life of the JVM (JMH forks one JVM per benchmark and parameter set, so in practice once
 * per trial; with {@code -f 0} every benchmark of the run shares it), closed when the JVM exits.
 *
 * <p>Where there is no usable GPU (no NVIDIA driver, no device, a driver older than the PTX needs)
 * {@link #device} throws {@link NoGpuException} with one line saying why, every time it is asked.
 *
 * <p>{@code -Djbert.bench.device=emulator} runs the benchmarks on the CPU emulator of our kernels
 * instead ({@code dev.jbert.kernels.emulator.Emulator}, in the kernels module's test jar, which
 * must be on the class path as in {@code gpu-bundle/lib}): a check of the benchmarks' own code on
 * a machine without a GPU, with small {@code -p} sizes; its timings mean nothing.
 */
final class Gpu {
    /** GPU ordinal measured: {@code -Djbert.gpu=N} (default 0). */
    static final int ORDINAL = Integer.getInteger("jbert.gpu", 0);
    /** {@code cuda} (default) or {@code emulator}. */
    static final String KIND = System.getProperty("jbert.bench.device", "cuda");

    private static Device device;
    private static String failure;
    private static Optional<Cublas> cublas;

    private Gpu() {
    }

    /** The GPU (or the emulator), or a {@link NoGpuException} naming why there is none. */
    static synchronized Device device() {
        if (device != null) {
            return device;
        }
        if (failure == null) {
            switch (KIND) {
                case "cuda" -> openCuda();
                case "emulator" -> openEmulator();
                default -> failure = "-Djbert.bench.device must be cuda or emulator, found '" + KIND + "'";
            }
            if (device != null) {
                return device;
            }
        }
        throw new NoGpuException("no CUDA GPU here: " + failure);
    }

    private static void openCuda() {
        try {
            CudaDevice d = CudaDevice.open(ORDINAL);
            Runtime.getRuntime().addShutdownHook(new Thread(d::close, "close-benchmark-gpu"));
            device = d;
        } catch (BackendUnavailableException e) {
            failure = e.getMessage();
        } catch (LinkageError e) {
            failure = "JCuda's native library could not be loaded (" + e.getClass().getSimpleName() + ": "
                    + firstLine(e.getMessage()) + ")";
        }
    }

    private static void openEmulator() {
        try {
            device = (Device) Class.forName("dev.jbert.kernels.emulator.Emulator").getMethod("device").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            failure = "-Djbert.bench.device=emulator needs the kernels module's test jar on the class path (as in "
                    + "gpu-bundle/lib) and g++: " + cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage());
        }
    }

    /**
     * cuBLAS on the GPU (the baseline of the GEMM benchmarks), or a {@link NoGpuException} saying
     * why it cannot be used (typically: JCublas 12.6 links {@code libcublas.so.12}, which must be
     * on {@code LD_LIBRARY_PATH}; a CUDA 13 machine may have only {@code libcublas.so.13}).
     */
    static synchronized Cublas cublas() {
        Device d = device();
        if (!(d instanceof CudaDevice gpu)) {
            throw new NoGpuException("cuBLAS unavailable: the benchmarks run on " + d.description() + ", not a GPU");
        }
        if (cublas == null) {
            cublas = Cublas.tryOpen(gpu);
        }
        return cublas.orElseThrow(() -> new NoGpuException("cuBLAS unavailable on " + gpu.name() + ": "
                + Cublas.unavailableReason()));
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").strip();
    }
}
