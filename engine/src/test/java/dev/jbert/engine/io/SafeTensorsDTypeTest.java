package dev.jbert.engine.io;

import static dev.jbert.engine.io.RawSafeTensors.file;
import static dev.jbert.engine.io.RawSafeTensors.single;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversion of every stored element type, against values worked out by hand. */
class SafeTensorsDTypeTest {
    @TempDir
    Path tmp;

    private float[] readFloats(String dtype, byte[] data, int n) throws IOException {
        Path f = RawSafeTensors.write(tmp, dtype + ".safetensors", file(single(dtype, "[" + n + "]", data.length), data));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(DType.valueOf(dtype), st.info("t").dtype());
            float[] a = st.readFloat("t").data();
            float[] b = new float[n];
            st.readFloatInto("t", b);
            assertArrayEquals(SafeTensorsRoundTripTest.bits(a), SafeTensorsRoundTripTest.bits(b));
            return a;
        }
    }

    private long[] readLongs(String dtype, byte[] data, int n) throws IOException {
        Path f = RawSafeTensors.write(tmp, dtype + ".safetensors", file(single(dtype, "[" + n + "]", data.length), data));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            return st.readLong("t");
        }
    }

    @Test
    void float16() throws IOException {
        int[] bits = {0x3C00, 0xC100, 0x7BFF, 0xFBFF, 0x0001, 0x03FF, 0x0400, 0x8000, 0x7C00, 0xFC00, 0x3555, 0x7E00, 0x0000};
        float[] expected = {1.0f, -2.5f, 65504f, -65504f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, -0.0f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.333251953125f, Float.NaN, 0f};
        float[] got = readFloats("F16", RawSafeTensors.u16(bits), bits.length);
        for (int i = 0; i < bits.length; i++) {
            assertEquals(expected[i], got[i], 0f, "F16 0x" + Integer.toHexString(bits[i]));
        }
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(got[7]), "negative zero keeps its sign");
        assertTrue(Float.isNaN(got[11]));
        assertEquals(5.9604645e-8f, got[4]);
        assertEquals(6.097555e-5f, got[5]);
    }

    @Test
    void bfloat16() throws IOException {
        int[] bits = {0x3F80, 0xC020, 0x4049, 0x7F7F, 0x0001, 0x0080, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0x3E80};
        float[] expected = {1.0f, -2.5f, 3.140625f, 3.3895314e38f, 0x1p-133f, 0x1p-126f, -0.0f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0.25f};
        float[] got = readFloats("BF16", RawSafeTensors.u16(bits), bits.length);
        for (int i = 0; i < bits.length; i++) {
            assertEquals(expected[i], got[i], 0f, "BF16 0x" + Integer.toHexString(bits[i]));
            assertEquals(bits[i] << 16, Float.floatToRawIntBits(got[i]), "BF16 is the upper half of F32");
        }
    }

    @Test
    void float64RoundsToNearestFloat() throws IOException {
        double[] v = {0.1, -2.5, 1e-50, 1e300, -1e300, Double.NaN, 3.40282346e38, 1.401298464324817e-45};
        float[] got = readFloats("F64", RawSafeTensors.f64(v), v.length);
        assertArrayEquals(new float[] {0.1f, -2.5f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.MAX_VALUE, Float.MIN_VALUE}, got);
    }

    @Test
    void float32UnalignedOffsetsStillRead() throws IOException {
        // a 1-byte tensor first puts the F32 data at an odd address
        byte[] data = new byte[1 + 8];
        data[0] = 7;
        System.arraycopy(RawSafeTensors.f32(1.5f, -3f), 0, data, 1, 8);
        String header = "{\"flag\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[1,9]}}";
        Path f = RawSafeTensors.write(tmp, "odd.safetensors", file(header, data));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertArrayEquals(new float[] {1.5f, -3f}, st.readFloat("w").data());
            assertArrayEquals(new long[] {7}, st.readLong("flag"));
        }
    }

    @Test
    void integers() throws IOException {
        assertArrayEquals(new long[] {-5, 7, Integer.MIN_VALUE}, readLongs("I32", RawSafeTensors.i32(-5, 7, Integer.MIN_VALUE), 3));
        assertArrayEquals(new long[] {4294967295L, 1}, readLongs("U32", RawSafeTensors.i32(-1, 1), 2));
        assertArrayEquals(new long[] {-2, 300}, readLongs("I16", RawSafeTensors.u16(0xFFFE, 300), 2));
        assertArrayEquals(new long[] {65535, 1}, readLongs("U16", RawSafeTensors.u16(0xFFFF, 1), 2));
        assertArrayEquals(new long[] {-1, 127}, readLongs("I8", new byte[] {(byte) 0xFF, 127}, 2));
        assertArrayEquals(new long[] {255, 0}, readLongs("U8", new byte[] {(byte) 0xFF, 0}, 2));
        assertArrayEquals(new long[] {0, 1, 1}, readLongs("BOOL", new byte[] {0, 1, 2}, 3));
        assertArrayEquals(new long[] {-7, Long.MAX_VALUE}, readLongs("I64", RawSafeTensors.i64(-7, Long.MAX_VALUE), 2));
        assertArrayEquals(new long[] {Long.MAX_VALUE}, readLongs("U64", RawSafeTensors.i64(Long.MAX_VALUE), 1));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> readLongs("U64", RawSafeTensors.i64(3, -1), 2));
        assertTrue(e.getMessage().contains("18446744073709551615") && e.getMessage().contains("'t'"), e.getMessage());
    }

    @Test
    void scalarAndZeroSizedTensors() throws IOException {
        String header = "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
                + "\"e2\":{\"dtype\":\"I64\",\"shape\":[5,0],\"data_offsets\":[4,4]}}";
        Path f = RawSafeTensors.write(tmp, "s.safetensors", file(header, RawSafeTensors.f32(2.5f)));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(2.5f, st.readFloat("s").data()[0]);
            assertEquals(0, st.readFloat("s").rank());
            assertArrayEquals(new int[] {0, 3}, st.readFloat("e").shape());
            assertEquals(0, st.readLong("e2").length);
        }
    }
}
