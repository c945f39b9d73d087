package dev.jbert.engine.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Element types of a safetensors file, under the names the format uses ({@code "F32"} ...),
 * each with its size in bytes. Only whole-byte types are known; the sub-byte float formats
 * of newer safetensors versions are refused by name.
 */
public enum DType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether {@code readFloat} converts this type (F64, F32, F16, BF16). */
    public boolean isFloating() {
        return floating;
    }

    /** The type with this safetensors name, or null if there is none. */
    public static DType fromName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** "F64, F32, ..., BOOL", for error messages. */
    public static String knownNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
