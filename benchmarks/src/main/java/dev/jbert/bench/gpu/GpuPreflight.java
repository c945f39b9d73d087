package dev.jbert.bench.gpu;

import dev.jbert.kernels.cuda.Cublas;
import dev.jbert.kernels.device.Device;

/**
 * Says in one line whether the GPU benchmarks can run here, before JMH forks a JVM per benchmark
 * only to find out: {@code benchmarks/run.sh} and {@code kernels/gpu-check.sh} run it first.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.jbert.bench.gpu.GpuPreflight
 * </pre>
 *
 * Prints the GPU and whether the cuBLAS baseline is available, exit status 0; or "no CUDA GPU
 * here: &lt;reason&gt;" on stderr, exit status 3.
 */
public final class GpuPreflight {
    /** The exit status when there is no usable GPU. */
    public static final int NO_GPU = 3;

    private GpuPreflight() {
    }

    public static void main(String[] args) {
        Device device;
        try {
            device = Gpu.device();
        } catch (NoGpuException e) {
            System.err.println(e.getMessage());
            System.exit(NO_GPU);
            return;
        }
        System.out.println("GPU: " + device.description());
        String cublas;
        try {
            Gpu.cublas();
            cublas = "available";
        } catch (NoGpuException e) {
            cublas = "unavailable (" + Cublas.unavailableReason() + "); the GEMM benchmarks' impl=cublas rows will fail,"
                    + " and benchmarks/python/hf_baseline.py's torch.matmul is the cuBLAS figure";
        }
        System.out.println("cuBLAS: " + cublas);
        System.exit(0);
    }
}
