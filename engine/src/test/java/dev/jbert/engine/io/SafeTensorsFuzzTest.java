package dev.jbert.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jbert.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of a small valid file (header bytes flipped, digits changed, bytes inserted
 * and deleted, the file truncated or extended, the length prefix changed): every mutation
 * either loads consistently or fails with a {@link CheckpointException}, never anything else.
 */
class SafeTensorsFuzzTest {
    private static final long SEED = 20240611L;
    private static final int MUTATIONS = 4000;

    @TempDir
    Path tmp;

    @Test
    void mutationsLoadConsistentlyOrFailCleanly() throws IOException {
        Path original = tmp.resolve("original.safetensors");
        Map<String, TensorData> tensors = new TreeMap<>();
        tensors.put("a.weight", TensorData.of(new Tensor(new float[] {1, -2, 3.5f, 4, 5, 6}, 2, 3)));
        tensors.put("a.bias", TensorData.ofFloats(new float[] {0.25f, -0.5f}, 2));
        tensors.put("ids", TensorData.ofLongs(new long[] {101, 2023, 102}, 3));
        tensors.put("scalar", TensorData.ofFloats(new float[] {7}));
        SafeTensorsWriter.writeData(original, tensors, Map.of("note", "fuzz"));
        byte[] good = Files.readAllBytes(original);
        int headerEnd = 8 + (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);

        Random r = new Random(SEED);
        Path f = tmp.resolve("mutant.safetensors");
        int loaded = 0;
        int refused = 0;
        int unchanged = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            int kind = r.nextInt(8);
            byte[] m = mutate(good, headerEnd, kind, r);
            Files.write(f, m);
            try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
                checkConsistent(st, m);
                if (Arrays.equals(m, good)) {
                    unchanged++;
                    for (String n : tensors.keySet()) {
                        if (tensors.get(n) instanceof TensorData.Floats fl) {
                            assertArrayEquals(fl.values(), st.readFloat(n).data(), n);
                        } else if (tensors.get(n) instanceof TensorData.Longs lo) {
                            assertArrayEquals(lo.values(), st.readLong(n), n);
                        }
                    }
                }
                loaded++;
            } catch (CheckpointException e) {
                assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
                refused++;
            } catch (Throwable t) {
                fail("mutation " + i + " (kind " + kind + ", seed " + SEED + ") threw " + t + "; header: "
                        + new String(m, 8, Math.max(0, Math.min(m.length - 8, headerEnd - 8)),
                        java.nio.charset.StandardCharsets.ISO_8859_1), t);
            }
        }
        assertEquals(MUTATIONS, loaded + refused);
        assertTrue(loaded > 200, "some mutations should still load, got " + loaded);
        assertTrue(refused > 1000, "most header mutations should be refused, got " + refused);
        assertTrue(unchanged < MUTATIONS / 4, "mutations mostly change the file: " + unchanged);
    }

    private static byte[] mutate(byte[] good, int headerEnd, int kind, Random r) {
        byte[] m = good.clone();
        switch (kind) {
            case 0 -> { // flip 1-3 random header bytes
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    m[8 + r.nextInt(headerEnd - 8)] = (byte) r.nextInt(256);
                }
            }
            case 1 -> { // change one digit of the header into another
                int[] digits = java.util.stream.IntStream.range(8, headerEnd).filter(i -> good[i] >= '0' && good[i] <= '9').toArray();
                m[digits[r.nextInt(digits.length)]] = (byte) ('0' + r.nextInt(10));
            }
            case 2 -> { // truncate anywhere
                m = Arrays.copyOf(good, r.nextInt(good.length));
            }
            case 3 -> { // change the length prefix
                long n = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                long v = switch (r.nextInt(4)) {
                    case 0 -> n + r.nextInt(33) - 16;
                    case 1 -> r.nextLong();
                    case 2 -> r.nextInt(good.length + 16);
                    default -> 1L << r.nextInt(64);
                };
                ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
            }
            case 4 -> { // flip data bytes: still a valid file, other values
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    m[headerEnd + r.nextInt(good.length - headerEnd)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 5 -> { // delete one header byte (the length prefix now lies by one)
                int at = 8 + r.nextInt(headerEnd - 8);
                m = new byte[good.length - 1];
                System.arraycopy(good, 0, m, 0, at);
                System.arraycopy(good, at + 1, m, at, good.length - at - 1);
            }
            case 6 -> { // insert a byte into the header and fix the prefix, so the JSON itself is what changes
                int at = 8 + r.nextInt(headerEnd - 8);
                m = new byte[good.length + 1];
                System.arraycopy(good, 0, m, 0, at);
                m[at] = (byte) "{}[],:\"0 -9eE.".charAt(r.nextInt(14));
                System.arraycopy(good, at, m, at + 1, good.length - at);
                ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerEnd - 8 + 1);
            }
            default -> { // extend with junk
                m = Arrays.copyOf(good, good.length + 1 + r.nextInt(16));
                for (int i = good.length; i < m.length; i++) {
                    m[i] = (byte) r.nextInt(256);
                }
            }
        }
        return m;
    }

    /** Every tensor a loaded file reports lies inside the file, has its stated size, and reads as its bytes say. */
    private static void checkConsistent(SafeTensorsFile st, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long dataStart = 8 + b.getLong(0);
        for (String name : st.names()) {
            TensorInfo t = st.info(name);
            assertEquals(t.numel() * t.dtype().byteSize(), t.end() - t.begin());
            assertTrue(dataStart + t.end() <= bytes.length);
            if (t.dtype().isFloating()) {
                float[] v = st.readFloat(name).data();
                if (t.dtype() == DType.F32) {
                    for (int i = 0; i < v.length; i++) {
                        assertEquals(b.getInt((int) (dataStart + t.begin() + 4L * i)), Float.floatToRawIntBits(v[i]));
                    }
                }
            } else {
                long[] v = st.readLong(name);
                if (t.dtype() == DType.I64) {
                    for (int i = 0; i < v.length; i++) {
                        assertEquals(b.getLong((int) (dataStart + t.begin() + 8L * i)), v[i]);
                    }
                }
            }
        }
    }
}
