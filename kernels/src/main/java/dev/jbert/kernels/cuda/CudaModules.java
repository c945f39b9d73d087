package dev.jbert.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadDataJIT;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.jbert.kernels.device.DeviceException;
import dev.jbert.kernels.device.Kernel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JITOptions;

/**
 * The PTX modules one {@link CudaDevice} has loaded and the kernels it has looked up in them. Each
 * module is read from the class path ({@link PtxFile}) and JIT-compiled by the driver once
 * ({@code cuModuleLoadDataEx}, with the JIT error log captured for the message when it fails);
 * each entry point is looked up once. Not thread-safe: the device calls it under its own lock,
 * with its context current.
 */
final class CudaModules {
    private static final int JIT_LOG_BYTES = 16384;

    /** {@link Kernel#handle()} of a CudaDevice's kernels: the function and its PTX parameter list. */
    record Function(CudaDevice owner, CUfunction function, List<String> parameters) {
    }

    private record Loaded(CUmodule handle, PtxFile ptx) {
    }

    private final CudaDevice owner;
    private final Map<String, Loaded> modules = new HashMap<>();
    private final Map<String, Kernel> kernels = new HashMap<>();

    CudaModules(CudaDevice owner) {
        this.owner = owner;
    }

    /** The kernel {@code entryPoint} of {@code module}, loading the module on first use. */
    Kernel kernel(String module, String entryPoint) {
        String key = module + ':' + entryPoint;
        Kernel cached = kernels.get(key);
        if (cached != null) {
            return cached;
        }
        Loaded m = load(module);
        List<String> parameters = m.ptx().parameters(entryPoint).orElseThrow(() -> noKernel(m.ptx(), entryPoint));
        CUfunction function = new CUfunction();
        int result = cuModuleGetFunction(function, m.handle(), entryPoint);
        if (result == CUresult.CUDA_ERROR_NOT_FOUND) {
            throw noKernel(m.ptx(), entryPoint);
        }
        CudaErrors.check(result, "cuModuleGetFunction(" + module + ".ptx, " + entryPoint + ")");
        Kernel k = new Kernel(module, entryPoint, new Function(owner, function, parameters));
        kernels.put(key, k);
        return k;
    }

    /** Unloads every module (best effort); their kernels become invalid. */
    void unloadAll() {
        for (Loaded m : modules.values()) {
            cuModuleUnload(m.handle());
        }
        modules.clear();
        kernels.clear();
    }

    private Loaded load(String module) {
        Loaded m = modules.get(module);
        if (m != null) {
            return m;
        }
        PtxFile ptx = PtxFile.load(module);
        JITOptions jit = new JITOptions();
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        CUmodule handle = new CUmodule();
        int result = cuModuleLoadDataJIT(handle, Pointer.to(ptx.image()), jit);
        if (result != CUresult.CUDA_SUCCESS) {
            throw new DeviceException(loadFailure(ptx, result, jitLog(jit)));
        }
        m = new Loaded(handle, ptx);
        modules.put(module, m);
        return m;
    }

    private static DeviceException noKernel(PtxFile ptx, String entryPoint) {
        return new DeviceException("no kernel " + entryPoint + " in " + ptx + " (its entry points: "
                + String.join(", ", ptx.entryPoints()) + ")");
    }

    private String loadFailure(PtxFile ptx, int result, String log) {
        String error = CudaErrors.name(result);
        String detail = log.isEmpty() ? "" : "; JIT log: " + log;
        int driver = owner.driverVersion();
        int cc = owner.computeCapability();
        return switch (result) {
            case CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION ->
                    "cannot load " + ptx + ": the NVIDIA driver (CUDA " + CudaDriver.cudaVersion(driver)
                            + ", cuDriverGetVersion " + driver + ") does not know PTX ISA 9.0 (" + error
                            + "); the CUDA kernels need a driver ≥ 580" + detail;
            case CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU ->
                    "cannot load " + ptx + " on " + owner.name() + " (sm_" + cc + "): " + error
                            + "; the PTX targets sm_80 and needs compute capability 8.0 or newer" + detail;
            default -> "loading " + ptx + " on " + owner.name() + " failed: " + error + CudaErrors.consequence(result) + detail;
        };
    }

    /** The JIT error log, on one line, shortened. */
    private static String jitLog(JITOptions jit) {
        byte[] log = jit.getBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
        if (log == null) {
            return "";
        }
        int n = 0;
        while (n < log.length && log[n] != 0) {
            n++;
        }
        String s = new String(log, 0, n, StandardCharsets.UTF_8).strip().replaceAll("\\s*\\R\\s*", " | ");
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }
}
