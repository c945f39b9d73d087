package dev.jbert.kernels;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.backend.BackendOptions;
import dev.jbert.engine.backend.BackendProvider;
import dev.jbert.engine.backend.BackendUnavailableException;
import dev.jbert.kernels.cuda.CudaDevice;
import dev.jbert.kernels.ops.Precision;

/**
 * Registers {@code --device cuda} (and {@code cuda:N} for the N-th GPU) with the engine through
 * {@link java.util.ServiceLoader}. {@code --precision} picks the linear layers' products: fp32 (the
 * default, as Hugging Face's Trainer without {@code --tf32}/{@code --bf16}), tf32 or bf16.
 *
 * <p>Without an NVIDIA driver or GPU, {@link CudaDevice#open} says so in one sentence; when JCuda's
 * native library cannot be loaded at all (another operating system or architecture), so does this.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Backend create() {
        return create(BackendOptions.DEFAULT);
    }

    @Override
    public Backend create(BackendOptions options) {
        Precision precision = Precision.parse(options.precisionOr("fp32"));
        CudaDevice device;
        try {
            device = CudaDevice.open(options.deviceIndex());
        } catch (LinkageError e) {
            throw new BackendUnavailableException("device 'cuda' is not available: JCuda's native library"
                    + " could not be loaded on " + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + " (" + e.getMessage() + ")", e);
        }
        return new CudaBackend(device, precision);
    }
}
