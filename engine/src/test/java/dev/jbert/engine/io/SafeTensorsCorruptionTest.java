package dev.jbert.engine.io;

import static dev.jbert.engine.io.RawSafeTensors.file;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of broken file is refused with a message naming the file and the tensor or field. */
class SafeTensorsCorruptionTest {
    @TempDir
    Path tmp;

    private static final String GOOD_ENTRY = "\"ok\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    /** Writes {@code content}, opens it, and checks the message holds the file name and every {@code expected} part. */
    private String refused(byte[] content, String... expected) throws IOException {
        Path f = RawSafeTensors.write(tmp, "model.safetensors", content);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(f).close());
        String m = e.getMessage();
        assertTrue(m.startsWith(f.toString() + ": "), "names the file: " + m);
        for (String part : expected) {
            assertTrue(m.contains(part), "expected '" + part + "' in: " + m);
        }
        return m;
    }

    private String refusedHeader(String header, byte[] data, String... expected) throws IOException {
        return refused(file(header, data), expected);
    }

    @Test
    void truncatedBelowTheLengthPrefix() throws IOException {
        refused(new byte[5], "5 bytes", "8-byte header length");
        refused(new byte[0], "0 bytes");
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        refused(file(1000, h, new byte[0]), "header length 1000", "past the end", "10 bytes");
        // a valid file cut short inside its header
        byte[] good = file("{" + GOOD_ENTRY + "}", new byte[8]);
        refused(java.util.Arrays.copyOf(good, 30), "header length", "past the end");
    }

    @Test
    void headerLengthHuge() throws IOException {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        refused(file(200_000_000L, h, new byte[0]), "200000000", "limit");
        refused(file(-1L, h, new byte[0]), "18446744073709551615", "limit");
        refused(file(Long.MIN_VALUE, h, new byte[0]), "9223372036854775808", "limit");
    }

    @Test
    void overlappingOffsets() throws IOException {
        refusedHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12],
                "tensor 'b'", "[4, 12]", "overlap tensor 'a'");
        refusedHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8],
                "overlap");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[25],\"data_offsets\":[0,100]}}", new byte[8],
                "tensor 'w'", "[0, 100]", "past the end of the data section (8 bytes)");
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", new byte[8],
                "tensor 'w'", "data_offsets", "non-negative");
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}", new byte[8],
                "tensor 'w'", "data_offsets");
    }

    @Test
    void offsetsReversed() throws IOException {
        refusedHeader("{\"bert.pooler.dense.weight\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[100,90]}}",
                new byte[100], "tensor 'bert.pooler.dense.weight'", "data_offsets [100, 90]", "end before");
    }

    @Test
    void wrongByteLength() throws IOException {
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8],
                "tensor 'w'", "8 bytes", "F32 of shape [3] needs 12 bytes");
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,8]}}",
                new byte[8], "tensor 'w'", "exceeds");
        refusedHeader("{\"w\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}",
                new byte[8], "tensor 'w'", "more than 2^63 bytes");
    }

    @Test
    void gapsAndUncoveredBytes() throws IOException {
        refusedHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12],
                "bytes [4, 8)", "tensor 'b'");
        refusedHeader("{" + GOOD_ENTRY + "}", new byte[12], "data section is 12 bytes", "cover 8");
    }

    @Test
    void badJson() throws IOException {
        refusedHeader("{\"w\":", new byte[0], "not valid JSON");
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} trailing", new byte[8], "not valid JSON");
        refusedHeader("{" + GOOD_ENTRY + "," + GOOD_ENTRY + "}", new byte[8], "not valid JSON", "ok");
        byte[] notUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        refused(file(notUtf8.length, notUtf8, new byte[0]), "not valid UTF-8");
        refused(file(0, new byte[0], new byte[0]), "empty header");
    }

    @Test
    void nonObjectHeader() throws IOException {
        refusedHeader("[1,2,3]", new byte[0], "header", "'{'", "[1,2,3]");
        refusedHeader("\"hello\"", new byte[0], "header", "'{'");
        refusedHeader("  {}", new byte[0], "header", "'{'");
    }

    @Test
    void unknownDtype() throws IOException {
        refusedHeader("{\"emb\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]}}", new byte[1],
                "tensor 'emb'", "dtype 'F4' is not supported", "F32");
        refusedHeader("{\"emb\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8],
                "tensor 'emb'", "dtype is a number");
    }

    @Test
    void badShapes() throws IOException {
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,0]}}", new byte[0],
                "tensor 'w'", "negative dimension");
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", new byte[8],
                "tensor 'w'", "dimension 0", "2.5");
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", new byte[8],
                "tensor 'w'", "shape is a string");
    }

    @Test
    void malformedEntries() throws IOException {
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", new byte[8], "tensor 'w'", "missing field 'data_offsets'");
        refusedHeader("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8], "tensor 'w'", "missing field 'dtype'");
        refusedHeader("{\"w\":[1,2]}", new byte[0], "tensor 'w'", "entry is an array");
        refusedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", new byte[8],
                "tensor 'w'", "expected [begin, end]");
        refusedHeader("{\"__metadata__\":{\"format\":\"pt\",\"step\":3}," + GOOD_ENTRY + "}", new byte[8],
                "__metadata__ field 'step'", "a number", "expected a string");
        refusedHeader("{\"__metadata__\":[1]," + GOOD_ENTRY + "}", new byte[8], "__metadata__", "expected an object");
    }

    @Test
    void missingFileAndFolder() {
        Path missing = tmp.resolve("nope.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(missing));
        assertTrue(e.getMessage().contains("nope.safetensors") && e.getMessage().contains("not found"), e.getMessage());
        e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(tmp));
        assertTrue(e.getMessage().contains("folder"), e.getMessage());
        e = assertThrows(CheckpointException.class, () -> Checkpoint.open(tmp));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains(tmp.toString()), e.getMessage());
    }
}
