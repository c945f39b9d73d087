package dev.jbert.kernels.cuda;

import dev.jbert.kernels.device.DeviceException;
import jcuda.driver.CUresult;

/** Turns CUDA driver result codes into {@link DeviceException}s that name the error and the call. */
final class CudaErrors {
    private CudaErrors() {
    }

    /** {@code CUDA_ERROR_ILLEGAL_ADDRESS (700)}. */
    static String name(int result) {
        return CUresult.stringFor(result) + " (" + result + ")";
    }

    /** Throws {@code DeviceException("<what> failed: CUDA_ERROR_xxx (code)")} unless {@code result} is success. */
    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new DeviceException(what + " failed: " + name(result) + consequence(result));
        }
    }

    /**
     * What an error means for the rest of the session, for the errors that leave the context
     * unusable (a kernel faulted: every later call on the context fails with the same error).
     */
    static String consequence(int result) {
        return switch (result) {
            case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, CUresult.CUDA_ERROR_LAUNCH_TIMEOUT,
                 CUresult.CUDA_ERROR_ASSERT, CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR,
                 CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION, CUresult.CUDA_ERROR_MISALIGNED_ADDRESS,
                 CUresult.CUDA_ERROR_INVALID_ADDRESS_SPACE, CUresult.CUDA_ERROR_INVALID_PC,
                 CUresult.CUDA_ERROR_LAUNCH_FAILED ->
                    " (a kernel faulted; the GPU context is now unusable: close the device and open a new one)";
            default -> "";
        };
    }
}
