package dev.jbert.engine.io;

import dev.jbert.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedSet;

/**
 * Named tensors stored on disk in safetensors form: one {@code model.safetensors}, or shards
 * listed by a {@code model.safetensors.index.json}. Reading converts to float32 (F32, F16, BF16,
 * F64) or to {@code long} (integer types). Every failure is a {@link CheckpointException} naming
 * the file and the tensor.
 */
public interface Checkpoint extends AutoCloseable {
    /** Hugging Face's file names. */
    String SINGLE_FILE = "model.safetensors";
    String INDEX_FILE = "model.safetensors.index.json";

    /**
     * Opens a checkpoint: a folder holding {@code model.safetensors} (preferred, as Hugging Face
     * does) or {@code model.safetensors.index.json}; a {@code *.index.json} file; or a single
     * safetensors file.
     */
    static Checkpoint open(Path path) {
        if (Files.isDirectory(path)) {
            Path single = path.resolve(SINGLE_FILE);
            if (Files.exists(single)) {
                return SafeTensorsFile.open(single);
            }
            Path index = path.resolve(INDEX_FILE);
            if (Files.exists(index)) {
                return ShardedCheckpoint.open(index);
            }
            throw new CheckpointException(path + ": no " + SINGLE_FILE + " or " + INDEX_FILE + " in this folder");
        }
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".index.json")) {
            return ShardedCheckpoint.open(path);
        }
        return SafeTensorsFile.open(path);
    }

    /** Every tensor name, sorted. */
    SortedSet<String> names();

    boolean contains(String name);

    /** The dtype, shape and byte range of a tensor; throws if there is no such tensor. */
    TensorInfo info(String name);

    /** String metadata ({@code __metadata__} of a single file, {@code metadata} of an index). */
    Map<String, String> metadata();

    /** A floating tensor converted to float32, in a new array. */
    Tensor readFloat(String name);

    /** A floating tensor converted to float32 into {@code dst}, whose length must be the tensor's size. */
    void readFloatInto(String name, float[] dst);

    /**
     * A floating tensor converted to float32 into {@code dst}, whose shape must equal the
     * stored one (the message names both shapes otherwise).
     */
    default void readInto(String name, Tensor dst) {
        TensorInfo info = info(name);
        if (!java.util.Arrays.equals(info.shape(), dst.shape())) {
            throw new CheckpointException(source(name) + ": tensor '" + name + "' has shape " + info.shapeString()
                    + ", expected " + dst.shapeString());
        }
        readFloatInto(name, dst.data());
    }

    /** An integer (or BOOL) tensor as {@code long}s, row-major. */
    long[] readLong(String name);

    /** The file that holds a tensor (for messages). */
    String source(String name);

    /** Unmaps the files; reads after closing fail. */
    @Override
    void close();
}
