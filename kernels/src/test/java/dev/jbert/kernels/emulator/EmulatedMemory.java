package dev.jbert.kernels.emulator;

import dev.jbert.kernels.device.DeviceOutOfMemoryException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The "device memory" of an {@link EmulatedDevice}: native host memory from the C library
 * ({@code aligned_alloc}, 256-byte aligned as {@code cuMemAlloc}'s), addressed by plain
 * {@code long}s that the emulated kernels dereference directly.
 *
 * <p>Every live allocation is tracked, so that the host code under test gets a clear error where
 * a GPU would fault or silently corrupt: a copy or fill running past an allocation, a kernel
 * argument pointing at freed memory, a free of something that was never allocated. Allocations
 * beyond a configurable capacity throw {@link DeviceOutOfMemoryException}, so out-of-memory paths
 * can be tested with small models. Fresh allocations are filled with {@code 0xFF} bytes (NaN as
 * floats, -1 as integers): device memory is not zeroed by {@code cuMemAlloc}, and code that reads
 * what it never wrote sees NaN here instead of a lucky zero.
 *
 * <p>Not thread-safe: the owning device synchronizes.
 */
final class EmulatedMemory {
    /** cuMemAlloc's alignment. */
    static final long ALIGNMENT = 256;
    private static final byte POISON = (byte) 0xFF;

    private static final MethodHandle ALIGNED_ALLOC = libc("aligned_alloc",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle FREE = libc("free", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    private final long capacity;
    /** Base address → the whole allocation (its size as asked for). */
    private final TreeMap<Long, MemorySegment> allocations = new TreeMap<>();
    private long used;

    EmulatedMemory(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("emulated device memory: capacity must be ≥ 1 byte, got " + capacity);
        }
        this.capacity = capacity;
    }

    long capacity() {
        return capacity;
    }

    /** Bytes reserved by live allocations (each rounded up to {@link #ALIGNMENT}). */
    long used() {
        return used;
    }

    @SuppressWarnings("restricted") // the block aligned_alloc returned, sized as asked
    long alloc(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("alloc: bytes must be ≥ 1, got " + bytes);
        }
        long reserved = bytes > capacity ? bytes : roundUp(bytes);
        if (reserved > capacity - used) {
            throw new DeviceOutOfMemoryException(String.format(Locale.ROOT,
                    "out of emulated device memory: asked for %d bytes (%.1f MiB) with %d bytes (%.1f MiB) free of %d"
                            + " (%.1f MiB; the emulator's capacity, see Emulator.newDevice)",
                    bytes, mib(bytes), capacity - used, mib(capacity - used), capacity, mib(capacity)));
        }
        MemorySegment raw;
        try {
            raw = (MemorySegment) ALIGNED_ALLOC.invokeExact(ALIGNMENT, reserved);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc(" + ALIGNMENT + ", " + reserved + ") failed: " + t, t);
        }
        if (raw.equals(MemorySegment.NULL)) {
            throw new DeviceOutOfMemoryException(String.format(Locale.ROOT,
                    "out of host memory for the emulated device: aligned_alloc of %d bytes (%.1f MiB) returned null",
                    reserved, mib(reserved)));
        }
        MemorySegment segment = raw.reinterpret(bytes);
        segment.fill(POISON);
        allocations.put(segment.address(), segment);
        used += reserved;
        return segment.address();
    }

    void free(long ptr) {
        if (ptr == 0) {
            return;
        }
        MemorySegment segment = allocations.remove(ptr);
        if (segment == null) {
            throw new IllegalArgumentException("free: " + hex(ptr) + " is not an allocation of this emulated device "
                    + "(freed already, never allocated here, or an address inside one" + inside(ptr) + ")");
        }
        used -= roundUp(segment.byteSize());
        release(segment);
    }

    /** Frees every live allocation. */
    void freeAll() {
        List<MemorySegment> live = new ArrayList<>(allocations.values());
        allocations.clear();
        used = 0;
        for (MemorySegment s : live) {
            release(s);
        }
    }

    int liveAllocations() {
        return allocations.size();
    }

    /**
     * The {@code bytes} bytes at {@code ptr}, for {@code op} ("toHost", "copy (source)", ...).
     * Throws IllegalArgumentException unless they lie inside one live allocation.
     */
    MemorySegment slice(String op, long ptr, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException(op + ": negative byte count " + bytes);
        }
        Map.Entry<Long, MemorySegment> a = allocations.floorEntry(ptr);
        if (a == null || ptr - a.getKey() >= a.getValue().byteSize()) {
            throw new IllegalArgumentException(op + ": " + hex(ptr) + " is not inside any allocation of this emulated device");
        }
        long size = a.getValue().byteSize();
        long offset = ptr - a.getKey();
        if (bytes > size - offset) {
            throw new IllegalArgumentException(op + ": " + bytes + " bytes at " + hex(ptr) + " run past the end of the allocation at "
                    + hex(a.getKey()) + " (" + size + " bytes, " + (size - offset) + " left)");
        }
        return a.getValue().asSlice(offset, bytes);
    }

    /**
     * Whether {@code ptr} may be handed to a kernel: null, or inside a live allocation or just past
     * its end (where an empty slice of it starts).
     */
    boolean isKernelPointer(long ptr) {
        if (ptr == 0) {
            return true;
        }
        Map.Entry<Long, MemorySegment> a = allocations.floorEntry(ptr);
        return a != null && ptr - a.getKey() <= a.getValue().byteSize();
    }

    private String inside(long ptr) {
        Map.Entry<Long, MemorySegment> a = allocations.floorEntry(ptr);
        if (a != null && ptr - a.getKey() < a.getValue().byteSize()) {
            return ": it is " + (ptr - a.getKey()) + " bytes into the allocation at " + hex(a.getKey());
        }
        return "";
    }

    @SuppressWarnings("restricted") // a C library function: the tests run with --enable-native-access
    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().findOrThrow(name), descriptor);
    }

    private static void release(MemorySegment segment) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress(segment.address()));
        } catch (Throwable t) {
            throw new IllegalStateException("free(" + hex(segment.address()) + ") failed: " + t, t);
        }
    }

    private static long roundUp(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    static String hex(long ptr) {
        return "0x" + Long.toHexString(ptr);
    }
}
