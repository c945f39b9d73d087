package dev.jbert.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.jbert.engine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files as the Rust library does: the header is compact JSON,
 * {@code __metadata__} first, padded with spaces to a multiple of 8 bytes; tensors follow each
 * other without gaps, larger element types first and by name within a type size (for float32
 * alone: in name order), so every tensor starts at a multiple of its element size. The file is
 * written atomically through {@link AtomicFiles}: an existing file survives any failure.
 */
public final class SafeTensorsWriter {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensorsWriter() {
    }

    /** Float32 tensors with metadata {@code {"format": "pt"}}. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, null);
    }

    /**
     * Float32 tensors. {@code metadata} may be null; {@code "format": "pt"} is added unless it
     * names a format (Hugging Face refuses files without one).
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, TensorData> data = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(file + ": tensor '" + e.getKey() + "' is null");
            }
            data.put(checkName(file, e.getKey()), TensorData.of(e.getValue()));
        }
        writeData(file, data, metadata);
    }

    /** Tensors of any supported element type (F32, I64). */
    public static void writeData(Path file, Map<String, ? extends TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        List<Map.Entry<String, TensorData>> ordered = new ArrayList<>();
        for (Map.Entry<String, ? extends TensorData> e : new TreeMap<>(tensors).entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(file + ": tensor '" + e.getKey() + "' is null");
            }
            ordered.add(Map.entry(checkName(file, e.getKey()), e.getValue()));
        }
        ordered.sort(Comparator.<Map.Entry<String, TensorData>>comparingInt(e -> -e.getValue().dtype().byteSize())
                .thenComparing(Map.Entry::getKey));
        byte[] header = header(ordered, withFormat(file, metadata));
        AtomicFiles.writeChannel(file, channel -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length);
            flush(channel, buf);
            writeFully(channel, ByteBuffer.wrap(header));
            for (Map.Entry<String, TensorData> e : ordered) {
                switch (e.getValue()) {
                    case TensorData.Floats f -> writeFloats(channel, buf, f.values());
                    case TensorData.Longs l -> writeLongs(channel, buf, l.values());
                }
            }
        });
    }

    /** The padded header bytes for tensors in data order. */
    static byte[] header(List<Map.Entry<String, TensorData>> ordered, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeObjectFieldStart(SafeTensorsHeader.METADATA_KEY);
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                g.writeStringField(m.getKey(), m.getValue());
            }
            g.writeEndObject();
            long offset = 0;
            for (Map.Entry<String, TensorData> e : ordered) {
                TensorData t = e.getValue();
                int[] shape = t.shape();
                long bytesLength = Tensor.numel(shape) * t.dtype().byteSize();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", t.dtype().name());
                g.writeArrayFieldStart("shape");
                for (int d : shape) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + bytesLength);
                g.writeEndArray();
                g.writeEndObject();
                offset += bytesLength;
            }
            g.writeEndObject();
        }
        int pad = (8 - bytes.size() % 8) % 8;
        for (int i = 0; i < pad; i++) {
            bytes.write(' ');
        }
        return bytes.toByteArray();
    }

    private static Map<String, String> withFormat(Path file, Map<String, String> metadata) {
        Map<String, String> out = new LinkedHashMap<>();
        if (metadata == null || !metadata.containsKey("format")) {
            out.put("format", "pt");
        }
        if (metadata != null) {
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                if (e.getValue() == null) {
                    throw new IllegalArgumentException(file + ": metadata '" + e.getKey() + "' is null");
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private static String checkName(Path file, String name) {
        if (name == null) {
            throw new IllegalArgumentException(file + ": a tensor has a null name");
        }
        if (name.equals(SafeTensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException(file + ": '" + name + "' is reserved for metadata, not a tensor name");
        }
        return name;
    }

    private static void writeFloats(FileChannel channel, ByteBuffer buf, float[] values) throws IOException {
        int perChunk = CHUNK_BYTES / Float.BYTES;
        for (int off = 0; off < values.length; off += perChunk) {
            int n = Math.min(perChunk, values.length - off);
            buf.asFloatBuffer().put(values, off, n);
            buf.position(n * Float.BYTES);
            flush(channel, buf);
        }
    }

    private static void writeLongs(FileChannel channel, ByteBuffer buf, long[] values) throws IOException {
        int perChunk = CHUNK_BYTES / Long.BYTES;
        for (int off = 0; off < values.length; off += perChunk) {
            int n = Math.min(perChunk, values.length - off);
            buf.asLongBuffer().put(values, off, n);
            buf.position(n * Long.BYTES);
            flush(channel, buf);
        }
    }

    /** Writes what was put into {@code buf} and clears it. */
    private static void flush(FileChannel channel, ByteBuffer buf) throws IOException {
        buf.flip();
        writeFully(channel, buf);
        buf.clear();
    }

    private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }
}
