package dev.jbert.kernels.ops;

import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.device.Dim3;
import dev.jbert.kernels.device.Kernel;
import dev.jbert.kernels.device.KernelArgs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A device that runs nothing: it records every kernel lookup and launch (grid, block, arguments)
 * and every table copied to it, and hands out fake, distinct, 256-byte aligned addresses. For
 * checking the launchers' contract (entry points, grids, parameter types) without a GPU.
 */
final class RecordingDevice implements Device {
    /** One launch as the launcher made it. */
    record Launch(Kernel kernel, Dim3 grid, Dim3 block, KernelArgs args) {
        String entryPoint() {
            return kernel.entryPoint();
        }
    }

    final List<Launch> launches = new ArrayList<>();
    final Map<String, Integer> lookups = new HashMap<>();
    final Set<Long> live = new HashSet<>();
    final Map<Long, Object> uploads = new HashMap<>();
    private long next = 1L << 20;

    @Override
    public String description() {
        return "recording device (runs nothing)";
    }

    @Override
    public long totalMemory() {
        return 1L << 40;
    }

    @Override
    public long freeMemory() {
        return 1L << 40;
    }

    @Override
    public long alloc(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("alloc of " + bytes + " bytes");
        }
        long ptr = next;
        next += (bytes + 255) / 256 * 256 + 256;
        live.add(ptr);
        return ptr;
    }

    @Override
    public void free(long ptr) {
        if (ptr != 0 && !live.remove(ptr)) {
            throw new IllegalStateException("free of 0x" + Long.toHexString(ptr) + ", which is not allocated");
        }
    }

    @Override
    public void zero(long ptr, long bytes) {
    }

    @Override
    public void copy(long dst, long src, long bytes) {
    }

    @Override
    public void toDevice(long dst, float[] src, int srcOff, int n) {
        uploads.put(dst, Arrays.copyOfRange(src, srcOff, srcOff + n));
    }

    @Override
    public void toDevice(long dst, int[] src, int srcOff, int n) {
        uploads.put(dst, Arrays.copyOfRange(src, srcOff, srcOff + n));
    }

    @Override
    public void toDevice(long dst, long[] src, int srcOff, int n) {
        uploads.put(dst, Arrays.copyOfRange(src, srcOff, srcOff + n));
    }

    @Override
    public void toDevice(long dst, double[] src, int srcOff, int n) {
        uploads.put(dst, Arrays.copyOfRange(src, srcOff, srcOff + n));
    }

    @Override
    public void toHost(long src, float[] dst, int dstOff, int n) {
    }

    @Override
    public void toHost(long src, int[] dst, int dstOff, int n) {
    }

    @Override
    public void toHost(long src, double[] dst, int dstOff, int n) {
    }

    @Override
    public Kernel kernel(String module, String entryPoint) {
        lookups.merge(module + ":" + entryPoint, 1, Integer::sum);
        return new Kernel(module, entryPoint, null);
    }

    @Override
    public void launch(Kernel kernel, Dim3 grid, Dim3 block, KernelArgs args) {
        launches.add(new Launch(kernel, grid, block, args));
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void close() {
    }

    /** The launches so far, then forgets them. */
    List<Launch> take() {
        List<Launch> out = new ArrayList<>(launches);
        launches.clear();
        return out;
    }
}
