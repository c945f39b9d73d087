package dev.jbert.kernels.device;

/**
 * A loaded kernel entry point. {@code handle} is the device implementation's own object
 * (a JCuda {@code CUfunction}, the emulator's table index).
 */
public record Kernel(String module, String entryPoint, Object handle) {
    @Override
    public String toString() {
        return module + ".ptx:" + entryPoint;
    }
}
