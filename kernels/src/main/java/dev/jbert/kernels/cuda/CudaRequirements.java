package dev.jbert.kernels.cuda;

import java.util.Optional;

/**
 * What our kernels need from a GPU and its driver, and the one-sentence reasons given when a
 * machine falls short. The PTX is compiled for {@code compute_80} with the CUDA 13.0 toolchain
 * (PTX ISA 9.0): it runs on compute capability 8.0 or newer, under a driver for CUDA 13.0 or newer
 * (branch R580, Linux ≥ 580.65.06). See docs/kernels-cuda.md, "Minimum driver".
 */
final class CudaRequirements {
    /** {@code cuDriverGetVersion} of the oldest driver that JIT-compiles PTX ISA 9.0 (CUDA 13.0). */
    static final int MIN_DRIVER_VERSION = 13000;
    /** The oldest compute capability the PTX targets (sm_80). */
    static final int MIN_COMPUTE_MAJOR = 8;

    private CudaRequirements() {
    }

    /** Why the driver is too old for our PTX, or empty when it is recent enough. */
    static Optional<String> driverTooOld(int driverVersion) {
        if (driverVersion >= MIN_DRIVER_VERSION) {
            return Optional.empty();
        }
        return Optional.of("the NVIDIA driver supports CUDA " + CudaDriver.cudaVersion(driverVersion)
                + " (cuDriverGetVersion " + driverVersion + "), but the CUDA kernels are PTX ISA 9.0 and need a driver for CUDA 13.0"
                + " or newer (≥ 580); update the NVIDIA driver or use --device cpu");
    }

    /** Why the GPU is too old for our PTX, or empty when it is compute capability 8.0 or newer. */
    static Optional<String> gpuTooOld(String gpuName, int major, int minor) {
        if (major >= MIN_COMPUTE_MAJOR) {
            return Optional.empty();
        }
        return Optional.of(gpuName + " has compute capability " + major + "." + minor
                + ", but the CUDA kernels need 8.0 or newer (Ampere, Ada, Hopper or later); use --device cpu");
    }

    /** Why {@code ordinal} names no GPU of the {@code count} present, or empty when it is valid. */
    static Optional<String> ordinalOutOfRange(int ordinal, int count) {
        if (ordinal >= 0 && ordinal < count) {
            return Optional.empty();
        }
        String present = count == 1 ? "1 CUDA GPU (ordinal 0)" : count + " CUDA GPUs (ordinals 0 to " + (count - 1) + ")";
        return Optional.of("there is no CUDA GPU with ordinal " + ordinal + ": this machine has " + present);
    }

    /** Why cuInit failed, in words, for its result code. */
    static String initFailed(int result) {
        String error = CudaErrors.name(result);
        return switch (result) {
            case jcuda.driver.CUresult.CUDA_ERROR_NO_DEVICE ->
                    "no CUDA GPU found (cuInit: " + error + "), although an NVIDIA driver is installed; use --device cpu";
            case jcuda.driver.CUresult.CUDA_ERROR_STUB_LIBRARY ->
                    "libcuda.so.1 is the CUDA toolkit's stub library, not an NVIDIA driver (cuInit: " + error
                            + "); install the NVIDIA driver ≥ 580 or use --device cpu";
            default -> "the NVIDIA driver could not be initialised (cuInit: " + error + "); use --device cpu";
        };
    }
}
