package dev.jbert.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write, read back, compare bit for bit; and check the written layout independently of our reader. */
class SafeTensorsRoundTripTest {
    @TempDir
    Path tmp;

    private static Map<String, Tensor> sample(long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("z.last", randomTensor(r, 3, 5));
        m.put("a.first", randomTensor(r, 7));
        m.put("bert.encoder.layer.0.attention.self.query.weight", randomTensor(r, 16, 16));
        m.put("scalar", new Tensor(new float[] {42.5f}));
        m.put("empty", Tensor.zeros(0, 4));
        m.put("naïve ünïcode name", randomTensor(r, 2, 1, 3));
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc12345),
            Float.intBitsToFloat(0xff800001), 1e-40f};
        m.put("special", new Tensor(special, 3, 4));
        return m;
    }

    private static Tensor randomTensor(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return t;
    }

    @Test
    void floatsRoundTripBitExact() throws IOException {
        Map<String, Tensor> in = sample(1);
        Path f = tmp.resolve("model.safetensors");
        SafeTensorsWriter.write(f, in, Map.of("epoch", "3"));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(new java.util.TreeSet<>(in.keySet()), st.names());
            assertEquals(Map.of("format", "pt", "epoch", "3"), st.metadata());
            for (Map.Entry<String, Tensor> e : in.entrySet()) {
                Tensor out = st.readFloat(e.getKey());
                assertArrayEquals(e.getValue().shape(), out.shape(), e.getKey());
                assertArrayEquals(bits(e.getValue().data()), bits(out.data()), e.getKey());
                float[] into = new float[e.getValue().size()];
                st.readFloatInto(e.getKey(), into);
                assertArrayEquals(bits(e.getValue().data()), bits(into), e.getKey());
            }
            CheckpointException wrongSize = assertThrows(CheckpointException.class,
                    () -> st.readFloatInto("a.first", new float[6]));
            assertTrue(wrongSize.getMessage().contains("'a.first'") && wrongSize.getMessage().contains("[7]")
                    && wrongSize.getMessage().contains("6"), wrongSize.getMessage());
        }
    }

    @Test
    void longsAndMixedRoundTrip() throws IOException {
        Map<String, TensorData> in = new TreeMap<>();
        long[] ids = {101, 7592, 2088, 102, 0, Long.MIN_VALUE, Long.MAX_VALUE, -1};
        in.put("input_ids", TensorData.ofLongs(ids, 2, 4));
        in.put("b", TensorData.ofFloats(new float[] {1, 2, 3}, 3));
        in.put("c", TensorData.ofLongs(new long[] {5}, 1));
        Path f = tmp.resolve("mixed.safetensors");
        SafeTensorsWriter.writeData(f, in, Map.of("format", "np"));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(Map.of("format", "np"), st.metadata());
            assertEquals(DType.I64, st.info("input_ids").dtype());
            assertArrayEquals(ids, st.readLong("input_ids"));
            assertArrayEquals(new long[] {5}, st.readLong("c"));
            assertArrayEquals(new float[] {1, 2, 3}, st.readFloat("b").data());
            // 8-byte elements first, so each tensor is aligned to its element size
            assertEquals(0, st.info("c").begin() % 8);
            assertEquals(0, st.info("input_ids").begin() % 8);
            assertTrue(st.info("b").begin() > st.info("input_ids").begin());
        }
    }

    /** The written file checked with nothing but a ByteBuffer and a plain JSON parser. */
    @Test
    void layoutIsWhatTheFormatPrescribes() throws IOException {
        Map<String, Tensor> in = sample(2);
        Path f = tmp.resolve("x.safetensors");
        SafeTensorsWriter.write(f, in);
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, n % 8, "header length is a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},"), header);
        String trimmed = header.stripTrailing();
        assertTrue(trimmed.endsWith("}"));
        assertTrue(header.substring(trimmed.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
        assertTrue(header.length() - trimmed.length() < 8);

        JsonNode root = new ObjectMapper().readTree(header);
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertEquals("__metadata__", keys.get(0));
        List<String> names = keys.subList(1, keys.size());
        assertEquals(new ArrayList<>(new TreeMap<>(in).keySet()), names, "names sorted");
        long expectedBegin = 0;
        long dataStart = 8 + n;
        assertEquals(0, dataStart % 8, "data section 8-byte aligned");
        for (String name : names) {
            JsonNode e = root.get(name);
            assertEquals("F32", e.get("dtype").asText());
            long begin = e.get("data_offsets").get(0).asLong();
            long end = e.get("data_offsets").get(1).asLong();
            assertEquals(expectedBegin, begin, name + " follows the previous tensor");
            Tensor t = in.get(name);
            assertEquals(4L * t.size(), end - begin);
            for (int i = 0; i < t.size(); i++) {
                assertEquals(Float.floatToRawIntBits(t.data()[i]), b.getInt((int) (dataStart + begin + 4L * i)));
            }
            expectedBegin = end;
        }
        assertEquals(bytes.length, dataStart + expectedBegin, "the file ends where the last tensor ends");
    }

    @Test
    void largeTensorCrossesWriteChunks() throws IOException {
        Random r = new Random(3);
        Tensor big = randomTensor(r, 700, 1000); // 2.8 MB: several 1 MB chunks
        Path f = tmp.resolve("big.safetensors");
        SafeTensorsWriter.write(f, Map.of("w", big, "b", randomTensor(r, 3)));
        try (Checkpoint c = Checkpoint.open(f)) {
            assertArrayEquals(bits(big.data()), bits(c.readFloat("w").data()));
        }
    }

    @Test
    void emptyCheckpointRoundTrips() throws IOException {
        Path f = tmp.resolve("empty.safetensors");
        SafeTensorsWriter.write(f, Map.of());
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertTrue(st.names().isEmpty());
            assertEquals(Map.of("format", "pt"), st.metadata());
        }
    }

    @Test
    void reservedAndNullNamesAreRefused() {
        Path f = tmp.resolve("bad.safetensors");
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsWriter.write(f, Map.of("__metadata__", Tensor.zeros(1))));
        Map<String, Tensor> withNull = new TreeMap<>();
        withNull.put("a", null);
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(f, withNull));
        assertTrue(Files.notExists(f));
    }

    @Test
    void overwriteReplacesAndClosedFileRefusesReads() throws IOException {
        Path f = tmp.resolve("m.safetensors");
        SafeTensorsWriter.write(f, Map.of("a", Tensor.zeros(2)));
        SafeTensorsWriter.write(f, Map.of("b", Tensor.zeros(3)));
        SafeTensorsFile st = SafeTensorsFile.open(f);
        assertEquals(java.util.Set.of("b"), st.names());
        st.close();
        st.close();
        CheckpointException e = assertThrows(CheckpointException.class, () -> st.readFloat("b"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(f), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void writerFailureBeforeAnyByteLeavesOldFile() throws IOException {
        Path f = tmp.resolve("model.safetensors");
        SafeTensorsWriter.write(f, Map.of("keep", new Tensor(new float[] {1, 2}, 2)));
        byte[] before = Files.readAllBytes(f);
        Map<String, Tensor> failing = new java.util.AbstractMap<>() {
            @Override
            public java.util.Set<Entry<String, Tensor>> entrySet() {
                return new java.util.AbstractSet<>() {
                    @Override
                    public Iterator<Entry<String, Tensor>> iterator() {
                        return new Iterator<>() {
                            int i;

                            @Override
                            public boolean hasNext() {
                                return true;
                            }

                            @Override
                            public Entry<String, Tensor> next() {
                                if (i++ == 2) {
                                    throw new IllegalStateException("source failed after two tensors");
                                }
                                return Map.entry("t" + i, Tensor.zeros(4));
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return 5;
                    }
                };
            }
        };
        assertThrows(IllegalStateException.class, () -> SafeTensorsWriter.write(f, failing));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }
}
