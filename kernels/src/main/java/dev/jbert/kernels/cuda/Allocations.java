package dev.jbert.kernels.cuda;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The device memory a {@link CudaDevice} has allocated and not freed, by address, so that frees
 * of foreign pointers and copies or fills that run outside an allocation are refused with a
 * message naming the address, before the driver sees them. Not thread-safe: the device calls it
 * under its own lock.
 */
final class Allocations {
    /** Live allocations: address → bytes. */
    private final TreeMap<Long, Long> live = new TreeMap<>();

    void add(long address, long bytes) {
        live.put(address, bytes);
    }

    /** Whether {@code address} is the start of a live allocation. */
    boolean contains(long address) {
        return live.containsKey(address);
    }

    void remove(long address) {
        live.remove(address);
    }

    /** The live allocations' addresses. */
    Set<Long> addresses() {
        return live.keySet();
    }

    /** Bytes allocated and not freed. */
    long bytes() {
        long sum = 0;
        for (long b : live.values()) {
            sum += b;
        }
        return sum;
    }

    void clear() {
        live.clear();
    }

    /** Throws IllegalArgumentException unless {@code [ptr, ptr + bytes)} lies inside one live allocation. */
    void requireInside(String op, long ptr, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException(op + ": negative byte count " + bytes);
        }
        Map.Entry<Long, Long> a = live.floorEntry(ptr);
        if (a == null || ptr - a.getKey() >= a.getValue()) {
            throw new IllegalArgumentException(op + ": " + hex(ptr) + " is not inside any allocation of this device");
        }
        long end = a.getKey() + a.getValue();
        if (bytes > end - ptr) {
            throw new IllegalArgumentException(op + ": " + bytes + " bytes at " + hex(ptr) + " run past the end of the allocation at "
                    + hex(a.getKey()) + " (" + a.getValue() + " bytes, " + (end - ptr) + " left)");
        }
    }

    static String hex(long ptr) {
        return "0x" + Long.toHexString(ptr);
    }
}
