package dev.jbert.trainer.train;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.backend.BackendOptions;
import dev.jbert.engine.backend.BackendProvider;
import dev.jbert.kernels.CudaBackend;
import dev.jbert.kernels.emulator.Emulator;
import dev.jbert.kernels.ops.Precision;
import java.util.EnumMap;
import java.util.Map;

/**
 * TEST ONLY: {@code --device cuda-emulated}, the real CUDA backend ({@link CudaBackend}: device
 * model, per-operation path, precisions) over the CPU emulator of our kernels instead of a GPU, so
 * that the whole {@code --device cuda} path of the command line runs on machines without one.
 * Registered in the trainer tests' {@code META-INF/services}. One backend per precision, kept for
 * the test JVM (the emulator is one shared device).
 */
public final class EmulatedCudaProvider implements BackendProvider {
    /** The {@code --device} name. */
    public static final String NAME = "cuda-emulated";

    private static final Map<Precision, CudaBackend> BACKENDS = new EnumMap<>(Precision.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Backend create() {
        return create(BackendOptions.DEFAULT);
    }

    @Override
    public Backend create(BackendOptions options) {
        Precision precision = Precision.parse(options.precisionOr("fp32"));
        synchronized (BACKENDS) {
            return BACKENDS.computeIfAbsent(precision, p -> new CudaBackend(Emulator.device(), p));
        }
    }
}
