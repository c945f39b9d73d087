package dev.jbert.engine.io;

import dev.jbert.engine.tensor.Tensor;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One safetensors file, memory-mapped (FFM: {@link FileChannel#map} into a shared
 * {@link Arena}), so a file of several gigabytes opens without being copied onto the heap;
 * a tensor is copied once, when it is read. The header is read with plain reads and validated
 * in full (see {@link SafeTensorsHeader}) before the file is mapped and any offset trusted.
 * Reads are thread-safe; {@link #close()} unmaps the file.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
 * <code>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}</code>,
 * then the data section, offsets relative to its start.
 */
public final class SafeTensorsFile implements Checkpoint {
    private final Path path;
    private final String label;
    private final Arena arena;
    private final MemorySegment segment;
    private final long dataStart;
    private final SafeTensorsHeader header;
    private final SortedSet<String> names;
    private volatile boolean closed;

    private SafeTensorsFile(Path path, Arena arena, MemorySegment segment, long dataStart, SafeTensorsHeader header) {
        this.path = path;
        this.label = path.toString();
        this.arena = arena;
        this.segment = segment;
        this.dataStart = dataStart;
        this.header = header;
        this.names = Collections.unmodifiableSortedSet(new TreeSet<>(header.tensors().keySet()));
    }

    /** Maps and validates a safetensors file; every problem is a {@link CheckpointException}. */
    public static SafeTensorsFile open(Path path) {
        String label = path.toString();
        if (Files.isDirectory(path)) {
            throw new CheckpointException(label + ": is a folder, expected a safetensors file");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException(label + ": file is " + size
                        + " bytes, shorter than the 8-byte header length that starts a safetensors file");
            }
            long n = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (Long.compareUnsigned(n, SafeTensorsHeader.MAX_HEADER_BYTES) > 0) {
                throw new CheckpointException(label + ": header length " + Long.toUnsignedString(n)
                        + " exceeds the limit of " + SafeTensorsHeader.MAX_HEADER_BYTES + " bytes"
                        + (Long.compareUnsigned(n, size - 8) > 0 ? " and runs past the end of the file (" + size + " bytes)" : "")
                        + "; not a safetensors file?");
            }
            if (n > size - 8) {
                throw new CheckpointException(label + ": header length " + n + " runs past the end of the file ("
                        + size + " bytes: 8 + at most " + (size - 8) + " for the header); truncated?");
            }
            byte[] headerBytes = readFully(channel, 8, (int) n).array();
            SafeTensorsHeader header = SafeTensorsHeader.parse(label, headerBytes, size - 8 - n);
            // only a file whose header holds up gets mapped
            Arena arena = Arena.ofShared();
            try {
                MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                return new SafeTensorsFile(path, arena, segment, 8 + n, header);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new CheckpointException(label + ": file not found", e);
        } catch (IOException e) {
            throw new CheckpointException(label + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads {@code length} bytes at {@code position}; the file may not end before them. */
    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new EOFException("file ended at byte " + (position + buf.position()) + " (changed while reading?)");
            }
        }
        return buf.flip();
    }

    public Path path() {
        return path;
    }

    @Override
    public SortedSet<String> names() {
        return names;
    }

    @Override
    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo t = header.tensors().get(name);
        if (t == null) {
            throw new CheckpointException(label + ": no tensor '" + name + "' (the file holds " + names.size()
                    + " tensors" + (names.isEmpty() ? "" : ", e.g. '" + names.first() + "'") + ")");
        }
        return t;
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public String source(String name) {
        return label;
    }

    @Override
    public Tensor readFloat(String name) {
        TensorInfo t = floating(name);
        float[] dst = new float[arrayLength(t)];
        TensorDecoder.readFloats(segment, dataStart + t.begin(), t.dtype(), dst, dst.length);
        return new Tensor(dst, t.shape());
    }

    @Override
    public void readFloatInto(String name, float[] dst) {
        TensorInfo t = floating(name);
        if (dst.length != t.numel()) {
            throw new CheckpointException(label + ": tensor '" + name + "' has shape " + t.shapeString() + " ("
                    + t.numel() + " values), but the destination holds " + dst.length);
        }
        TensorDecoder.readFloats(segment, dataStart + t.begin(), t.dtype(), dst, dst.length);
    }

    @Override
    public long[] readLong(String name) {
        TensorInfo t = info(name);
        ensureOpen();
        if (t.dtype().isFloating()) {
            throw new CheckpointException(label + ": tensor '" + name + "' is " + t.dtype()
                    + ", expected an integer dtype (I64, I32, I16, I8, U64, U32, U16, U8, BOOL); use readFloat");
        }
        long[] dst = new long[arrayLength(t)];
        int bad = TensorDecoder.readLongs(segment, dataStart + t.begin(), t.dtype(), dst, dst.length);
        if (bad >= 0) {
            throw new CheckpointException(label + ": tensor '" + name + "': U64 element " + bad + " is "
                    + Long.toUnsignedString(dst[bad]) + ", larger than a signed long holds");
        }
        return dst;
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        arena.close();
    }

    private TensorInfo floating(String name) {
        TensorInfo t = info(name);
        ensureOpen();
        if (!t.dtype().isFloating()) {
            throw new CheckpointException(label + ": tensor '" + name + "' is " + t.dtype()
                    + ", expected a floating dtype (F32, F16, BF16, F64); use readLong");
        }
        return t;
    }

    private int arrayLength(TensorInfo t) {
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(label + ": tensor '" + t.name() + "' of shape " + t.shapeString()
                    + " has " + n + " elements, more than one Java array holds");
        }
        return (int) n;
    }

    private void ensureOpen() {
        if (closed) {
            throw new CheckpointException(label + ": file is closed");
        }
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + label + ", " + names.size() + " tensors]";
    }
}
