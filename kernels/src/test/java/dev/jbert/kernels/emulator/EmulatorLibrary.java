package dev.jbert.kernels.emulator;

import dev.jbert.kernels.device.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code libjbemu.so}, the CPU emulator of our CUDA kernels, loaded through the FFM API: its table
 * of entry points (name and parameter types, as the kernel's C signature declares them) and its
 * launch call, which takes the driver API's {@code void**} parameter array and runs the whole grid
 * on the calling thread before it returns.
 *
 * <p>The emulator has global state (block and thread indices, the fibers of the block being run),
 * so launches are serialized here, across every {@link EmulatedDevice} of the JVM.
 */
final class EmulatorLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final Path path;
    private final MethodHandle launch;
    private final MethodHandle lastError;
    /** Entry point name → its index and signature, in the library's order. */
    private final Map<String, Entry> entries;
    private final Object launchLock = new Object();

    /** One entry point: its index in the library and its parameter letters (P, I, U, F, D). */
    record Entry(String name, int index, String signature) {
    }

    private EmulatorLibrary(Path path, MethodHandle launch, MethodHandle lastError, Map<String, Entry> entries) {
        this.path = path;
        this.launch = launch;
        this.lastError = lastError;
        this.entries = entries;
    }

    /**
     * Loads the library at {@code path} for the rest of the JVM's life. Throws
     * IllegalStateException naming the file and the missing symbol when it is not a
     * {@code libjbemu.so}.
     */
    @SuppressWarnings("restricted") // loading a native library: the tests run with --enable-native-access
    static EmulatorLibrary load(Path path) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the kernel emulator " + path + ": " + e.getMessage(), e);
        }
        MethodHandle count = downcall(lookup, path, "jbemu_count", FunctionDescriptor.of(ValueLayout.JAVA_INT));
        MethodHandle name = downcall(lookup, path, "jbemu_name",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle signature = downcall(lookup, path, "jbemu_signature",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle launch = downcall(lookup, path, "jbemu_launch", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MethodHandle lastError = downcall(lookup, path, "jbemu_last_error", FunctionDescriptor.of(ValueLayout.ADDRESS));
        Map<String, Entry> entries = new LinkedHashMap<>();
        try {
            int n = (int) count.invokeExact();
            for (int i = 0; i < n; i++) {
                String entryName = cString((MemorySegment) name.invokeExact(i));
                String entrySignature = cString((MemorySegment) signature.invokeExact(i));
                entries.putIfAbsent(entryName, new Entry(entryName, i, entrySignature));
            }
        } catch (Throwable t) {
            throw new IllegalStateException("reading the kernel table of " + path + " failed: " + t, t);
        }
        return new EmulatorLibrary(path, launch, lastError, Map.copyOf(entries));
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(SymbolLookup lookup, Path path, String symbol, FunctionDescriptor descriptor) {
        MemorySegment address = lookup.find(symbol).orElseThrow(() -> new IllegalStateException(
                path + " is not the kernel emulator: it has no symbol " + symbol));
        return LINKER.downcallHandle(address, descriptor);
    }

    @SuppressWarnings("restricted") // a C string of unknown length, read up to its NUL
    private static String cString(MemorySegment s) {
        return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Where the library was loaded from. */
    Path path() {
        return path;
    }

    /** The entry point called {@code name}, if the emulator has it. */
    Optional<Entry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** Every entry point, by name. */
    Map<String, Entry> entries() {
        return entries;
    }

    /**
     * Runs {@code entry} over {@code grid} blocks of {@code block} threads with the parameter array
     * {@code params} ({@code void*[n]}, each pointing at one argument's value). Returns when every
     * block has finished. Throws DeviceException with the emulator's reason when it refuses the
     * launch (a block over 1024 threads, a grid over the limits) or a block fails (a deadlock at
     * {@code __syncthreads}, a warp whose lanes diverged at a shuffle).
     */
    void launch(Entry entry, int gx, int gy, int gz, int bx, int by, int bz, MemorySegment params) {
        synchronized (launchLock) {
            int status;
            String reason;
            try {
                status = (int) launch.invokeExact(entry.index(), gx, gy, gz, bx, by, bz, params);
                reason = status == 0 ? "" : cString((MemorySegment) lastError.invokeExact());
            } catch (Throwable t) {
                throw new DeviceException("emulated launch of " + entry.name() + " failed: " + t, t);
            }
            if (status != 0) {
                throw new DeviceException("emulated " + reason);
            }
        }
    }
}
