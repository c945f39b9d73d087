package dev.jbert.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire-format cursor: varints, packed runs, nested messages and the checks on each. */
class OnnxProtoReaderTest {
    private static ProtoReader reader(byte[] bytes) {
        return new ProtoReader(ByteBuffer.wrap(bytes), 0, "test");
    }

    @Test
    void readsVarintsOfEveryLength() {
        long[] values = {0, 1, 127, 128, 300, 1L << 35, Long.MAX_VALUE, -1};
        ProtoWriter w = new ProtoWriter();
        for (long v : values) {
            w.varint(3, v);
        }
        ProtoReader r = reader(w.toByteArray());
        for (long v : values) {
            assertEquals(3, r.readField());
            assertEquals(ProtoReader.VARINT, r.wireType());
            assertEquals(v, r.readVarint());
        }
        assertFalse(r.hasMore());
    }

    @Test
    void readsPackedAndUnpackedRuns() {
        byte[] bytes = new ProtoWriter().packedVarints(1, 2, 300, 4).varint(1, 5)
                .packedFloats(4, new float[] {1.5f, -2f}).fixed32(4, 3f).toByteArray();
        ProtoReader r = reader(bytes);
        List<Long> ints = new ArrayList<>();
        List<Float> floats = new ArrayList<>();
        while (r.hasMore()) {
            if (r.readField() == 1) {
                r.readInts(ints::add);
            } else {
                r.readFloats(v -> floats.add((float) v));
            }
        }
        assertEquals(List.of(2L, 300L, 4L, 5L), ints);
        assertEquals(List.of(1.5f, -2f, 3f), floats);
    }

    @Test
    void nestedMessagesKnowTheirFileOffset() {
        byte[] bytes = new ProtoWriter().varint(1, 1).message(7, new ProtoWriter().bytes(9, new byte[] {1, 2})).toByteArray();
        ProtoReader r = reader(bytes);
        r.readField();
        r.skip();
        assertEquals(7, r.readField());
        ProtoReader nested = r.readMessage("graph");
        assertEquals(4, nested.offset());
        nested.readField();
        ByteBuffer b = nested.readBytes();
        byte[] got = new byte[b.remaining()];
        b.get(got);
        assertArrayEquals(new byte[] {1, 2}, got);
    }

    @Test
    void rejectsTruncationAndForeignWireTypes() {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> reader(new byte[] {(byte) 0x80}).readVarint());
        assertTrue(e.getMessage().contains("truncated varint (at byte 0, in test)"), e.getMessage());
        e = assertThrows(OnnxFormatException.class, () -> {
            ProtoReader r = reader(new byte[] {0x0a, 0x05, 1, 2});
            r.readField();
            r.readBytes();
        });
        assertTrue(e.getMessage().contains("5 bytes runs past the end"), e.getMessage());
        e = assertThrows(OnnxFormatException.class, () -> reader(new byte[] {0x0b}).readField());
        assertTrue(e.getMessage().contains("wire type 3"), e.getMessage());
        e = assertThrows(OnnxFormatException.class, () -> reader(new byte[] {0x00}).readField());
        assertTrue(e.getMessage().contains("field number 0"), e.getMessage());
        byte[] eleven = new byte[11];
        java.util.Arrays.fill(eleven, (byte) 0xff);
        e = assertThrows(OnnxFormatException.class, () -> reader(eleven).readVarint());
        assertTrue(e.getMessage().contains("longer than 10 bytes"), e.getMessage());
    }

    @Test
    void decodesFloat16AndDoubleTensors() {
        OnnxTensor half = new OnnxTensor("h", OnnxDataType.FLOAT16.code(), new long[] {2}, null, new float[0],
                new long[] {Float.floatToFloat16(1.5f), Float.floatToFloat16(-2f)}, new double[0], null);
        assertArrayEquals(new float[] {1.5f, -2f}, half.floats());
        OnnxTensor dbl = new OnnxTensor("d", OnnxDataType.DOUBLE.code(), new long[] {1}, null, new float[0],
                new long[0], new double[] {0.25}, null);
        assertArrayEquals(new float[] {0.25f}, dbl.floats());
        OnnxTensor wrong = new OnnxTensor("w", OnnxDataType.FLOAT.code(), new long[] {3}, ByteBuffer.allocate(8),
                new float[0], new long[0], new double[0], null);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, wrong::floats);
        assertTrue(e.getMessage().contains("needs 12 bytes of raw_data, found 8"), e.getMessage());
    }
}
