package dev.jbert.trainer.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One {@code TensorProto}: an initializer or a constant. The values stay where the parser found
 * them (a slice of {@code raw_data}, or the typed {@code *_data} arrays) until {@link #floats()}
 * or {@link #longs()} decodes them.
 *
 * @param dataType the {@code data_type} code (see {@link OnnxDataType}), kept raw for messages
 * @param externalLocation where {@code data_location} is EXTERNAL: the {@code location} entry
 *     (or "?"); null for tensors stored in the file
 */
public record OnnxTensor(String name, long dataType, long[] dims, ByteBuffer rawData, float[] floatData,
                         long[] intData, double[] doubleData, String externalLocation) {

    public OnnxDataType type() {
        return OnnxDataType.ofCode(dataType);
    }

    public long numel() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** The shape as Java ints; fails for negative or huge dimensions. */
    public int[] shape() {
        int[] s = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                throw new OnnxFormatException("tensor '" + name + "' has dimension " + dims[i] + " in shape "
                        + Arrays.toString(dims));
            }
            s[i] = (int) dims[i];
        }
        return s;
    }

    public String shapeString() {
        return Arrays.toString(dims);
    }

    /** The values as float32 (FLOAT, FLOAT16, BFLOAT16, DOUBLE), row-major. */
    public float[] floats() {
        checkStored();
        OnnxDataType t = type();
        if (t == null || !t.isFloating()) {
            throw new OnnxFormatException("tensor '" + name + "' is " + OnnxDataType.describe(dataType)
                    + ", expected a float type");
        }
        int n = count();
        float[] out = new float[n];
        if (rawData != null) {
            checkRawLength(t, n);
            ByteBuffer raw = rawData.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            switch (t) {
                case FLOAT -> raw.asFloatBuffer().get(out);
                case DOUBLE -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) raw.getDouble();
                    }
                }
                case FLOAT16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.float16ToFloat(raw.getShort());
                    }
                }
                case BFLOAT16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.intBitsToFloat((raw.getShort() & 0xffff) << 16);
                    }
                }
                default -> throw new IllegalStateException(t.name());
            }
            return out;
        }
        switch (t) {
            case FLOAT -> copyExact(floatData, out);
            case DOUBLE -> {
                checkCount(doubleData.length, n, "double_data");
                for (int i = 0; i < n; i++) {
                    out[i] = (float) doubleData[i];
                }
            }
            case FLOAT16, BFLOAT16 -> {
                // 16-bit floats travel in int32_data, one per entry
                checkCount(intData.length, n, "int32_data");
                for (int i = 0; i < n; i++) {
                    short bits = (short) intData[i];
                    out[i] = t == OnnxDataType.FLOAT16 ? Float.float16ToFloat(bits)
                            : Float.intBitsToFloat((bits & 0xffff) << 16);
                }
            }
            default -> throw new IllegalStateException(t.name());
        }
        return out;
    }

    /** The values of an integer tensor (INT64, INT32, ..., BOOL) as longs, row-major. */
    public long[] longs() {
        checkStored();
        OnnxDataType t = type();
        if (t == null || !t.isInteger()) {
            throw new OnnxFormatException("tensor '" + name + "' is " + OnnxDataType.describe(dataType)
                    + ", expected an integer type");
        }
        int n = count();
        long[] out = new long[n];
        if (rawData != null) {
            checkRawLength(t, n);
            ByteBuffer raw = rawData.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (t) {
                    case INT64 -> raw.getLong();
                    case INT32 -> raw.getInt();
                    case UINT32 -> raw.getInt() & 0xffffffffL;
                    case INT16 -> raw.getShort();
                    case UINT16 -> raw.getShort() & 0xffff;
                    case INT8 -> raw.get();
                    case UINT8, BOOL -> raw.get() & 0xff;
                    default -> throw new IllegalStateException(t.name());
                };
            }
            return out;
        }
        checkCount(intData.length, n, t == OnnxDataType.INT64 ? "int64_data" : "int32_data");
        System.arraycopy(intData, 0, out, 0, n);
        return out;
    }

    private void checkStored() {
        if (externalLocation != null) {
            throw new OnnxFormatException("tensor '" + name + "' is stored as external data (in '" + externalLocation
                    + "'); only self-contained .onnx files can be imported (re-save with "
                    + "onnx.save_model(model, path, save_as_external_data=False))");
        }
    }

    private int count() {
        long n = numel();
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new OnnxFormatException("tensor '" + name + "' of shape " + shapeString() + " has " + n
                    + " elements, more than one Java array holds");
        }
        return (int) n;
    }

    private void checkRawLength(OnnxDataType t, int n) {
        long expected = (long) n * t.byteSize();
        if (rawData.remaining() != expected) {
            throw new OnnxFormatException("tensor '" + name + "' of shape " + shapeString() + " and type " + t
                    + " needs " + expected + " bytes of raw_data, found " + rawData.remaining());
        }
    }

    private void copyExact(float[] src, float[] dst) {
        checkCount(src.length, dst.length, "float_data");
        System.arraycopy(src, 0, dst, 0, dst.length);
    }

    private void checkCount(int found, int expected, String field) {
        if (found != expected) {
            throw new OnnxFormatException("tensor '" + name + "' of shape " + shapeString() + " needs " + expected
                    + " values, its " + field + " holds " + found);
        }
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + ", " + OnnxDataType.describe(dataType) + ", " + shapeString() + "]";
    }
}
