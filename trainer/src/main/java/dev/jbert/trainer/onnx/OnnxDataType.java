package dev.jbert.trainer.onnx;

/** {@code TensorProto.DataType}: the element types an initializer or constant may have. */
public enum OnnxDataType {
    UNDEFINED(0, 0), FLOAT(1, 4), UINT8(2, 1), INT8(3, 1), UINT16(4, 2), INT16(5, 2), INT32(6, 4), INT64(7, 8),
    STRING(8, 0), BOOL(9, 1), FLOAT16(10, 2), DOUBLE(11, 8), UINT32(12, 4), UINT64(13, 8), COMPLEX64(14, 8),
    COMPLEX128(15, 16), BFLOAT16(16, 2);

    private final int code;
    private final int byteSize;

    OnnxDataType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    public int code() {
        return code;
    }

    /** Bytes per element in {@code raw_data}; 0 where raw data is not defined. */
    public int byteSize() {
        return byteSize;
    }

    /** Float types the importer converts to float32. */
    public boolean isFloating() {
        return this == FLOAT || this == FLOAT16 || this == BFLOAT16 || this == DOUBLE;
    }

    /** Integer types the importer reads as {@code long}. */
    public boolean isInteger() {
        return this == INT64 || this == INT32 || this == INT16 || this == INT8 || this == UINT8 || this == UINT16
                || this == UINT32 || this == BOOL;
    }

    /** The type of a code, or null for codes this enum does not know (newer float8 types and the like). */
    public static OnnxDataType ofCode(long code) {
        for (OnnxDataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** For messages: the name, or the bare code where unknown. */
    public static String describe(long code) {
        OnnxDataType t = ofCode(code);
        return t == null ? "data type " + code : t.name() + " (" + code + ")";
    }
}
