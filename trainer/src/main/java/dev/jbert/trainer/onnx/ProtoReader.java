package dev.jbert.trainer.onnx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.DoubleConsumer;
import java.util.function.LongConsumer;

/**
 * A cursor over one protobuf message in wire format: tags, varints, fixed 32/64-bit values and
 * length-delimited fields (nested messages, strings, bytes, packed arrays). Every length is
 * checked against what remains, so a truncated or foreign file fails with the byte offset
 * (counted from the start of the file) instead of reading past the message.
 *
 * <p>Length-delimited values are returned as slices of the same buffer, never copied: a
 * 90 MB initializer costs nothing until it is decoded.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buf;
    private final long base;
    private final String where;
    private int lastTag;

    /** {@code buf} from its position to its limit; {@code base} is the file offset of its position. */
    ProtoReader(ByteBuffer buf, long base, String where) {
        this.buf = buf.slice();
        this.base = base;
        this.where = where;
    }

    boolean hasMore() {
        return buf.hasRemaining();
    }

    /** The file offset of the next byte. */
    long offset() {
        return base + buf.position();
    }

    /** Reads a field key; returns its field number, the wire type is {@link #wireType()}. */
    int readField() {
        long start = offset();
        long key = readVarint();
        int field = (int) (key >>> 3);
        int wire = (int) (key & 7);
        if (field <= 0 || key >>> 3 > 536_870_911L) {
            throw fail(start, "field number " + (key >>> 3) + " is out of range");
        }
        if (wire != VARINT && wire != FIXED64 && wire != LENGTH_DELIMITED && wire != FIXED32) {
            throw fail(start, "field " + field + " has wire type " + wire + ", which ONNX never uses");
        }
        lastTag = (int) key;
        return field;
    }

    int wireType() {
        return lastTag & 7;
    }

    long readVarint() {
        long start = offset();
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!buf.hasRemaining()) {
                throw fail(start, "truncated varint");
            }
            byte b = buf.get();
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw fail(start, "varint longer than 10 bytes");
    }

    /** The value of a length-delimited field, as a slice. */
    ByteBuffer readBytes() {
        long start = offset();
        long length = readVarint();
        if (length < 0 || length > buf.remaining()) {
            throw fail(start, "truncated: a field of " + Long.toUnsignedString(length)
                    + " bytes runs past the end of its message (" + buf.remaining() + " bytes remain)");
        }
        ByteBuffer slice = buf.slice(buf.position(), (int) length);
        buf.position(buf.position() + (int) length);
        return slice;
    }

    /** A nested message, read by a new reader. */
    ProtoReader readMessage(String nestedWhere) {
        ByteBuffer bytes = readBytes();
        return new ProtoReader(bytes, offset() - bytes.remaining(), nestedWhere);
    }

    String readString() {
        ByteBuffer bytes = readBytes();
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    int readFixed32() {
        need(4);
        return Integer.reverseBytes(buf.getInt());
    }

    long readFixed64() {
        need(8);
        return Long.reverseBytes(buf.getLong());
    }

    /** An int field: varint, or each varint of a packed run. */
    void readInts(LongConsumer sink) {
        if (wireType() == LENGTH_DELIMITED) {
            ByteBuffer bytes = readBytes();
            ProtoReader packed = new ProtoReader(bytes, offset() - bytes.remaining(), where);
            while (packed.hasMore()) {
                sink.accept(packed.readVarint());
            }
        } else {
            expect(VARINT);
            sink.accept(readVarint());
        }
    }

    /** A float field: fixed32, or a packed run of them. */
    void readFloats(DoubleConsumer sink) {
        if (wireType() == LENGTH_DELIMITED) {
            ByteBuffer packed = readBytes();
            if (packed.remaining() % 4 != 0) {
                throw fail(offset(), "packed float field of " + packed.remaining() + " bytes, not a multiple of 4");
            }
            while (packed.hasRemaining()) {
                sink.accept(Float.intBitsToFloat(Integer.reverseBytes(packed.getInt())));
            }
        } else {
            expect(FIXED32);
            sink.accept(Float.intBitsToFloat(readFixed32()));
        }
    }

    /** A double field: fixed64, or a packed run of them. */
    void readDoubles(DoubleConsumer sink) {
        if (wireType() == LENGTH_DELIMITED) {
            ByteBuffer packed = readBytes();
            if (packed.remaining() % 8 != 0) {
                throw fail(offset(), "packed double field of " + packed.remaining() + " bytes, not a multiple of 8");
            }
            while (packed.hasRemaining()) {
                sink.accept(Double.longBitsToDouble(Long.reverseBytes(packed.getLong())));
            }
        } else {
            expect(FIXED64);
            sink.accept(Double.longBitsToDouble(readFixed64()));
        }
    }

    /** Fails unless the last field has the given wire type (a foreign message, or garbage). */
    void expect(int wire) {
        if (wireType() != wire) {
            throw fail(offset(), "field " + (lastTag >>> 3) + " has wire type " + wireType() + ", expected " + wire);
        }
    }

    /** Skips the value of the last field read. */
    void skip() {
        switch (wireType()) {
            case VARINT -> readVarint();
            case FIXED64 -> readFixed64();
            case LENGTH_DELIMITED -> readBytes();
            case FIXED32 -> readFixed32();
            default -> throw new IllegalStateException("wire type " + wireType());
        }
    }

    OnnxFormatException fail(long at, String what) {
        return new OnnxFormatException("malformed protobuf (not an ONNX file, or a damaged one): " + what + " (at byte "
                + at + ", in " + where + ")");
    }

    private void need(int n) {
        if (buf.remaining() < n) {
            throw fail(offset(), "truncated: " + n + " bytes needed, " + buf.remaining() + " remain");
        }
    }
}
