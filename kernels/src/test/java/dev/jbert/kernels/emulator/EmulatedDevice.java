package dev.jbert.kernels.emulator;

import dev.jbert.kernels.cuda.PtxFile;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.device.DeviceException;
import dev.jbert.kernels.device.Dim3;
import dev.jbert.kernels.device.Kernel;
import dev.jbert.kernels.device.KernelArgs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Our CUDA kernels as a {@link Device} without a GPU: the same {@code .cu} sources compiled for the
 * CPU against the emulator ({@code libjbemu.so}, see {@link Emulator}), driven through the FFM
 * API, so that the CUDA backend's host code (buffers, launch geometry, argument lists, the order of
 * kernels in a training step) can be tested end to end on any machine with a C++ compiler.
 *
 * <p>Device memory is native host memory ({@link EmulatedMemory}): pointers are real addresses,
 * 256-byte aligned, bounded by a capacity (so out-of-memory paths can be tested), and every copy,
 * fill and kernel pointer argument is checked against the live allocations. {@link #kernel}
 * accepts exactly what a GPU would: an entry point of that PTX module (read from the class path as
 * {@code CudaDevice} does). {@link #launch} checks the arguments against the kernel's C parameter
 * types (stricter than the driver, which sees only sizes: a {@code u64} where the kernel takes a
 * pointer is caught here) and runs the whole grid before returning; launches are serialized
 * across the JVM. There is no stream: everything is complete when a call returns.
 *
 * <p>Emulated kernels write through raw pointers: a kernel reading or writing past a buffer the
 * host code sized too small corrupts memory or crashes the JVM, as it would fault on a GPU.
 * All methods synchronize on the device.
 */
public final class EmulatedDevice implements Device {
    /** The PTX modules' entry points, by module, read once per JVM. */
    private static final Map<String, PtxFile> MODULES = new ConcurrentHashMap<>();

    private final EmulatorLibrary library;
    private final EmulatedMemory memory;
    private final boolean shared;
    private final Map<String, Kernel> kernels = new HashMap<>();
    private boolean closed;

    /** The handle of a {@link Kernel} of this emulator: its entry in the library's table. */
    record EmulatedKernel(EmulatorLibrary library, EmulatorLibrary.Entry entry) {
    }

    /**
     * A device over {@code library} with {@code capacity} bytes of memory; {@code shared} devices
     * (the one {@link Emulator#device()} hands to every test) ignore {@link #close}.
     */
    EmulatedDevice(EmulatorLibrary library, long capacity, boolean shared) {
        this.library = Objects.requireNonNull(library, "library");
        this.memory = new EmulatedMemory(capacity);
        this.shared = shared;
    }

    @Override
    public String description() {
        return "CPU emulator of the CUDA kernels (libjbemu.so)";
    }

    /** The capacity given at creation. */
    @Override
    public synchronized long totalMemory() {
        return memory.capacity();
    }

    /** The capacity less what live allocations reserve. */
    @Override
    public synchronized long freeMemory() {
        return memory.capacity() - memory.used();
    }

    /** Number of allocations not yet freed (for tests of the host code's bookkeeping). */
    public synchronized int liveAllocations() {
        return memory.liveAllocations();
    }

    // ------------------------------------------------------------------ memory

    @Override
    public synchronized long alloc(long bytes) {
        enter();
        return memory.alloc(bytes);
    }

    @Override
    public synchronized void free(long ptr) {
        enter();
        memory.free(ptr);
    }

    @Override
    public synchronized void zero(long ptr, long bytes) {
        enter();
        if (bytes != 0) {
            memory.slice("zero", ptr, bytes).fill((byte) 0);
        }
    }

    @Override
    public synchronized void copy(long dst, long src, long bytes) {
        enter();
        if (bytes != 0) {
            MemorySegment to = memory.slice("copy (destination)", dst, bytes);
            MemorySegment from = memory.slice("copy (source)", src, bytes);
            MemorySegment.copy(from, 0, to, 0, bytes);
        }
    }

    @Override
    public synchronized void toDevice(long dst, float[] src, int srcOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        enter();
        if (n > 0) {
            MemorySegment.copy(src, srcOff, memory.slice("toDevice", dst, (long) n * Float.BYTES),
                    ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n);
        }
    }

    @Override
    public synchronized void toDevice(long dst, int[] src, int srcOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        enter();
        if (n > 0) {
            MemorySegment.copy(src, srcOff, memory.slice("toDevice", dst, (long) n * Integer.BYTES),
                    ValueLayout.JAVA_INT_UNALIGNED, 0, n);
        }
    }

    @Override
    public synchronized void toDevice(long dst, long[] src, int srcOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        enter();
        if (n > 0) {
            MemorySegment.copy(src, srcOff, memory.slice("toDevice", dst, (long) n * Long.BYTES),
                    ValueLayout.JAVA_LONG_UNALIGNED, 0, n);
        }
    }

    @Override
    public synchronized void toDevice(long dst, double[] src, int srcOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        enter();
        if (n > 0) {
            MemorySegment.copy(src, srcOff, memory.slice("toDevice", dst, (long) n * Double.BYTES),
                    ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, n);
        }
    }

    @Override
    public synchronized void toHost(long src, float[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        enter();
        if (n > 0) {
            MemorySegment.copy(memory.slice("toHost", src, (long) n * Float.BYTES), ValueLayout.JAVA_FLOAT_UNALIGNED, 0,
                    dst, dstOff, n);
        }
    }

    @Override
    public synchronized void toHost(long src, int[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        enter();
        if (n > 0) {
            MemorySegment.copy(memory.slice("toHost", src, (long) n * Integer.BYTES), ValueLayout.JAVA_INT_UNALIGNED, 0,
                    dst, dstOff, n);
        }
    }

    /** Copies n longs to the host (as {@code CudaDevice.toHost(long, long[], int, int)}). */
    public synchronized void toHost(long src, long[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        enter();
        if (n > 0) {
            MemorySegment.copy(memory.slice("toHost", src, (long) n * Long.BYTES), ValueLayout.JAVA_LONG_UNALIGNED, 0,
                    dst, dstOff, n);
        }
    }

    @Override
    public synchronized void toHost(long src, double[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        enter();
        if (n > 0) {
            MemorySegment.copy(memory.slice("toHost", src, (long) n * Double.BYTES), ValueLayout.JAVA_DOUBLE_UNALIGNED, 0,
                    dst, dstOff, n);
        }
    }

    // ------------------------------------------------------------------ kernels

    /**
     * The entry point {@code entryPoint} of PTX module {@code module}. Throws DeviceException when
     * the module has no such entry point (as {@code cuModuleGetFunction} would) or the emulator
     * does not have it (its {@code JB_EMU_KERNEL} line is missing).
     */
    @Override
    public synchronized Kernel kernel(String module, String entryPoint) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(entryPoint, "entryPoint");
        enter();
        String key = module + ':' + entryPoint;
        Kernel cached = kernels.get(key);
        if (cached != null) {
            return cached;
        }
        PtxFile ptx = MODULES.computeIfAbsent(module, PtxFile::load);
        if (!ptx.entryPoints().contains(entryPoint)) {
            throw new DeviceException("no kernel " + entryPoint + " in " + ptx + " (its entry points: "
                    + String.join(", ", ptx.entryPoints()) + ")");
        }
        EmulatorLibrary.Entry entry = library.find(entryPoint).orElseThrow(() -> new DeviceException(
                "the kernel emulator " + library.path() + " has no entry point " + entryPoint + " of " + ptx
                        + " (is JB_EMU_KERNEL(" + entryPoint + ") missing after its definition?)"));
        Kernel k = new Kernel(module, entryPoint, new EmulatedKernel(library, entry));
        kernels.put(key, k);
        return k;
    }

    /**
     * Runs {@code kernel} over the grid and returns when it has finished. Throws
     * IllegalArgumentException when the arguments do not match the kernel's parameters (count or
     * type) or a pointer argument is not in a live allocation, and DeviceException when the
     * emulator refuses the launch configuration or a block fails.
     */
    @Override
    public synchronized void launch(Kernel kernel, Dim3 grid, Dim3 block, KernelArgs args) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(args, "args");
        enter();
        if (!(kernel.handle() instanceof EmulatedKernel k) || k.library() != library) {
            throw new IllegalArgumentException("launch: kernel " + kernel + " was not loaded by the kernel emulator");
        }
        List<KernelArgs.Arg> list = args.list();
        checkArguments(kernel, k.entry().signature(), list);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment values = arena.allocate(Math.max(1, list.size()) * 8L, 8);
            MemorySegment params = arena.allocate(ValueLayout.ADDRESS, Math.max(1, list.size()));
            for (int i = 0; i < list.size(); i++) {
                KernelArgs.Arg a = list.get(i);
                long offset = 8L * i;
                switch (a.type()) {
                    case PTR, U64, F64 -> values.set(ValueLayout.JAVA_LONG, offset, a.bits());
                    case I32, F32 -> values.set(ValueLayout.JAVA_INT, offset, (int) a.bits());
                }
                params.setAtIndex(ValueLayout.ADDRESS, i, values.asSlice(offset, 8));
            }
            library.launch(k.entry(), grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(), params);
        }
    }

    /** The arguments against the kernel's parameter letters (P, I, U, F, D: KernelArgs.Type's initials). */
    private void checkArguments(Kernel kernel, String signature, List<KernelArgs.Arg> args) {
        if (args.size() != signature.length()) {
            throw new IllegalArgumentException(kernel + " takes " + signature.length() + " parameters " + describe(signature)
                    + " but was given " + args.size());
        }
        for (int i = 0; i < args.size(); i++) {
            KernelArgs.Arg a = args.get(i);
            KernelArgs.Type expected = type(signature.charAt(i));
            if (a.type() != expected) {
                throw new IllegalArgumentException("parameter " + (i + 1) + " of " + kernel + " is " + expected
                        + " in its C signature but was given " + a.type() + " (all parameters: " + describe(signature) + ")");
            }
            if (a.type() == KernelArgs.Type.PTR && !memory.isKernelPointer(a.bits())) {
                throw new IllegalArgumentException("parameter " + (i + 1) + " of " + kernel + " (a pointer) is "
                        + EmulatedMemory.hex(a.bits()) + ", which is not inside any live allocation of this emulated"
                        + " device (freed already?)");
            }
        }
    }

    private static KernelArgs.Type type(char letter) {
        return switch (letter) {
            case 'P' -> KernelArgs.Type.PTR;
            case 'I' -> KernelArgs.Type.I32;
            case 'U' -> KernelArgs.Type.U64;
            case 'F' -> KernelArgs.Type.F32;
            case 'D' -> KernelArgs.Type.F64;
            default -> throw new IllegalStateException("unknown parameter letter '" + letter + "' in the emulator's table");
        };
    }

    private static String describe(String signature) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < signature.length(); i++) {
            s.append(i == 0 ? "" : ", ").append(type(signature.charAt(i)));
        }
        return s.append(')').toString();
    }

    /** Nothing to wait for: every launch and copy has finished when its call returns. */
    @Override
    public synchronized void synchronize() {
        enter();
    }

    // ------------------------------------------------------------------ lifetime

    /**
     * Frees every live allocation and makes the device unusable. Idempotent. The device shared
     * by {@link Emulator#device()} belongs to the whole test JVM and ignores this.
     */
    @Override
    public synchronized void close() {
        if (closed || shared) {
            return;
        }
        closed = true;
        memory.freeAll();
        kernels.clear();
    }

    private void enter() {
        if (closed) {
            throw new IllegalStateException("the emulated device is closed");
        }
    }

    @Override
    public String toString() {
        return "EmulatedDevice[" + library.path() + (shared ? ", shared" : "") + (closed ? ", closed" : "") + "]";
    }
}
