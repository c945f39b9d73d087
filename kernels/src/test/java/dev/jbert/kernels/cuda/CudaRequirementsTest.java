package dev.jbert.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

/** The reasons a machine cannot run the kernels, checked without a GPU. */
class CudaRequirementsTest {

    @Test
    void driverVersionBoundaryIsCuda13() {
        assertTrue(CudaRequirements.driverTooOld(13000).isEmpty());
        assertTrue(CudaRequirements.driverTooOld(13010).isEmpty());
        Optional<String> old = CudaRequirements.driverTooOld(12080);
        assertTrue(old.isPresent());
        String m = old.get();
        assertTrue(m.contains("CUDA 12.8") && m.contains("12080") && m.contains("580"), m);
        assertTrue(m.contains("--device cpu"), m);
        assertFalse(m.contains("\n"), m);
    }

    @Test
    void computeCapabilityBoundaryIsSm80AndNamesTheGpu() {
        assertTrue(CudaRequirements.gpuTooOld("NVIDIA A100", 8, 0).isEmpty());
        assertTrue(CudaRequirements.gpuTooOld("NVIDIA H100", 9, 0).isEmpty());
        String m = CudaRequirements.gpuTooOld("Tesla T4", 7, 5).orElseThrow();
        assertTrue(m.startsWith("Tesla T4 has compute capability 7.5"), m);
        assertTrue(m.contains("8.0"), m);
    }

    @Test
    void ordinalOutOfRangeSaysHowManyThereAre() {
        assertTrue(CudaRequirements.ordinalOutOfRange(0, 1).isEmpty());
        assertTrue(CudaRequirements.ordinalOutOfRange(3, 4).isEmpty());
        assertEquals("there is no CUDA GPU with ordinal 1: this machine has 1 CUDA GPU (ordinal 0)",
                CudaRequirements.ordinalOutOfRange(1, 1).orElseThrow());
        assertEquals("there is no CUDA GPU with ordinal -1: this machine has 2 CUDA GPUs (ordinals 0 to 1)",
                CudaRequirements.ordinalOutOfRange(-1, 2).orElseThrow());
    }

    @Test
    void initFailuresNameTheCudaError() {
        String noDevice = CudaRequirements.initFailed(CUresult.CUDA_ERROR_NO_DEVICE);
        assertTrue(noDevice.startsWith("no CUDA GPU found") && noDevice.contains("CUDA_ERROR_NO_DEVICE (100)"), noDevice);
        String stub = CudaRequirements.initFailed(CUresult.CUDA_ERROR_STUB_LIBRARY);
        assertTrue(stub.contains("stub") && stub.contains("(34)"), stub);
        String other = CudaRequirements.initFailed(CUresult.CUDA_ERROR_UNKNOWN);
        assertTrue(other.contains("cuInit: CUDA_ERROR_UNKNOWN (999)"), other);
    }

    @Test
    void driverVersionInWords() {
        assertEquals("13.0", CudaDriver.cudaVersion(13000));
        assertEquals("12.6", CudaDriver.cudaVersion(12060));
        assertEquals("13.1", CudaDriver.cudaVersion(13010));
    }

    @Test
    void loaderFailuresBecomeOneSentence() {
        UnsatisfiedLinkError noDriver = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file");
        assertEquals(CudaDriver.NO_DRIVER, CudaDriver.reason(noDriver));

        UnsatisfiedLinkError noNatives = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.6.0-apple-aarch64\"\n"
                + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-apple-aarch64 in java.library.path: /usr/lib");
        String m = CudaDriver.reason(noNatives);
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("JCuda's native driver binding could not be loaded on "), m);
        assertTrue(m.contains("no JCudaDriver-12.6.0-apple-aarch64 in java.library.path"), m);
        assertTrue(m.endsWith("use --device cpu"), m);
    }

    @Test
    void errorsNameTheCallAndTheCudaError() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.jbert.kernels.device.DeviceException.class,
                () -> CudaErrors.check(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, "waiting for the stream"));
        assertTrue(e.getMessage().startsWith("waiting for the stream failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)"), e.getMessage());
        assertTrue(e.getMessage().contains("unusable"), e.getMessage());
        CudaErrors.check(CUresult.CUDA_SUCCESS, "nothing");
    }
}
