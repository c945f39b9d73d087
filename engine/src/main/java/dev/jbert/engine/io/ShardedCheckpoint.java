package dev.jbert.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A checkpoint split over several safetensors files, as Hugging Face writes large models:
 * {@code model.safetensors.index.json} = <code>{"metadata": {"total_size": N}, "weight_map":
 * {tensor name: shard file}}</code> next to {@code model-00001-of-0000K.safetensors} ...
 * Opening validates the index against the shards: every shard exists and is a valid file,
 * every listed tensor is in its shard, and every tensor of a shard is listed.
 */
public final class ShardedCheckpoint implements Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build());
    private static final Pattern SHARD_NAME = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private final Path index;
    private final Map<String, SafeTensorsFile> byTensor;
    private final List<SafeTensorsFile> shards;
    private final SortedSet<String> names;
    private final Map<String, String> metadata;

    private ShardedCheckpoint(Path index, Map<String, SafeTensorsFile> byTensor, List<SafeTensorsFile> shards,
                              Map<String, String> metadata) {
        this.index = index;
        this.byTensor = byTensor;
        this.shards = shards;
        this.names = Collections.unmodifiableSortedSet(new TreeSet<>(byTensor.keySet()));
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Opens an index file and every shard it names (in the index's folder). */
    public static ShardedCheckpoint open(Path indexFile) {
        String label = indexFile.toString();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(indexFile));
        } catch (NoSuchFileException e) {
            throw new CheckpointException(label + ": file not found", e);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(label + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException(label + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(label + ": is " + SafeTensorsHeader.describe(root) + ", expected a JSON object");
        }
        Map<String, String> metadata = readMetadata(label, root.get("metadata"));
        SortedMap<String, String> weightMap = readWeightMap(label, root.get("weight_map"));
        Path dir = indexFile.toAbsolutePath().getParent().normalize();

        SortedMap<String, List<String>> byShard = new TreeMap<>();
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            byShard.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        }
        List<SafeTensorsFile> shards = new ArrayList<>();
        Map<String, SafeTensorsFile> byTensor = new TreeMap<>();
        try {
            for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
                String shardName = e.getKey();
                List<String> listed = e.getValue();
                Path shardPath = shardPath(label, dir, shardName, listed.get(0));
                SafeTensorsFile shard;
                try {
                    shard = SafeTensorsFile.open(shardPath);
                } catch (CheckpointException ex) {
                    throw new CheckpointException(label + ": shard '" + shardName + "' (listed for " + listed.size()
                            + " tensors, e.g. '" + listed.get(0) + "'): " + ex.getMessage(), ex);
                }
                shards.add(shard);
                for (String name : listed) {
                    if (!shard.contains(name)) {
                        throw new CheckpointException(label + ": weight_map puts tensor '" + name + "' in shard '"
                                + shardName + "', which does not hold it");
                    }
                    byTensor.put(name, shard);
                }
                for (String name : shard.names()) {
                    if (!shardName.equals(weightMap.get(name))) {
                        throw new CheckpointException(label + ": shard '" + shardName + "' holds tensor '" + name
                                + "', which weight_map " + (weightMap.containsKey(name)
                                ? "puts in shard '" + weightMap.get(name) + "'" : "does not list"));
                    }
                }
            }
        } catch (RuntimeException ex) {
            shards.forEach(SafeTensorsFile::close);
            throw ex;
        }
        return new ShardedCheckpoint(indexFile, byTensor, List.copyOf(shards), metadata);
    }

    private static Map<String, String> readMetadata(String label, JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new CheckpointException(label + ": metadata is " + SafeTensorsHeader.describe(node) + ", expected an object");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            out.put(e.getKey(), v.isTextual() ? v.textValue() : v.toString());
        }
        return out;
    }

    private static SortedMap<String, String> readWeightMap(String label, JsonNode node) {
        if (node == null) {
            throw new CheckpointException(label + ": missing field 'weight_map' (tensor name -> shard file)");
        }
        if (!node.isObject()) {
            throw new CheckpointException(label + ": weight_map is " + SafeTensorsHeader.describe(node)
                    + ", expected an object of tensor name -> shard file");
        }
        SortedMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (!v.isTextual() || v.textValue().isEmpty()) {
                throw new CheckpointException(label + ": weight_map entry '" + e.getKey() + "' is "
                        + SafeTensorsHeader.describe(v) + ", expected a shard file name");
            }
            out.put(e.getKey(), v.textValue());
        }
        if (out.isEmpty()) {
            throw new CheckpointException(label + ": weight_map is empty, expected at least one tensor");
        }
        return out;
    }

    /** The shard's path, which must stay inside the index's folder. */
    private static Path shardPath(String label, Path dir, String shardName, String example) {
        try {
            Path p = dir.resolve(shardName).normalize();
            if (!p.startsWith(dir) || p.equals(dir)) {
                throw new CheckpointException(label + ": shard '" + shardName + "' (for tensor '" + example
                        + "') is outside the index's folder; expected a file name next to the index");
            }
            return p;
        } catch (InvalidPathException e) {
            throw new CheckpointException(label + ": shard '" + shardName + "' (for tensor '" + example
                    + "') is not a valid file name", e);
        }
    }

    public Path indexFile() {
        return index;
    }

    /** The shard files, in name order. */
    public List<Path> shardFiles() {
        return shards.stream().map(SafeTensorsFile::path).toList();
    }

    @Override
    public SortedSet<String> names() {
        return names;
    }

    @Override
    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        return shard(name).info(name);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String source(String name) {
        SafeTensorsFile s = byTensor.get(name);
        return s == null ? index.toString() : s.path().toString();
    }

    @Override
    public Tensor readFloat(String name) {
        return shard(name).readFloat(name);
    }

    @Override
    public void readFloatInto(String name, float[] dst) {
        shard(name).readFloatInto(name, dst);
    }

    @Override
    public long[] readLong(String name) {
        return shard(name).readLong(name);
    }

    @Override
    public void close() {
        shards.forEach(SafeTensorsFile::close);
    }

    private SafeTensorsFile shard(String name) {
        SafeTensorsFile s = byTensor.get(name);
        if (s == null) {
            throw new CheckpointException(index + ": no tensor '" + name + "' in weight_map (" + names.size() + " tensors)");
        }
        return s;
    }

    /**
     * Writes float32 tensors as Hugging Face's {@code save_pretrained} does: in name order,
     * a new shard whenever the next tensor would push the current one past
     * {@code maxShardBytes} (a larger tensor gets a shard of its own). One shard is written as
     * {@code model.safetensors} without an index; several as {@code model-0000i-of-0000K.safetensors}
     * plus {@code model.safetensors.index.json}. Weight files of an earlier save that the new
     * set does not include are deleted afterwards. Returns the files written.
     */
    public static List<Path> write(Path dir, Map<String, Tensor> tensors, Map<String, String> metadata,
                                   long maxShardBytes) throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        List<Map<String, Tensor>> groups = new ArrayList<>();
        Map<String, Tensor> current = new TreeMap<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (Map.Entry<String, Tensor> e : new TreeMap<>(tensors).entrySet()) {
            long bytes = (long) e.getValue().size() * Float.BYTES;
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                groups.add(current);
                current = new TreeMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
            totalBytes += bytes;
        }
        groups.add(current);

        List<Path> written = new ArrayList<>();
        if (groups.size() == 1) {
            Path file = dir.resolve(SINGLE_FILE);
            SafeTensorsWriter.write(file, groups.get(0), metadata);
            written.add(file);
        } else {
            ObjectNode weightMap = JSON.createObjectNode();
            for (int i = 0; i < groups.size(); i++) {
                String shardName = String.format(java.util.Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, groups.size());
                Path file = dir.resolve(shardName);
                SafeTensorsWriter.write(file, groups.get(i), metadata);
                written.add(file);
                for (String name : groups.get(i).keySet()) {
                    weightMap.put(name, shardName);
                }
            }
            ObjectNode root = JSON.createObjectNode();
            root.putObject("metadata").put("total_size", totalBytes);
            root.set("weight_map", weightMap);
            Path indexFile = dir.resolve(INDEX_FILE);
            AtomicFiles.writeString(indexFile, HfJson.write(root) + "\n");
            written.add(indexFile);
        }
        deleteStale(dir, written);
        return written;
    }

    /** Removes weight files of an earlier save (single file, shards, index) not in {@code keep}. */
    private static void deleteStale(Path dir, List<Path> keep) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                boolean weights = n.equals(SINGLE_FILE) || n.equals(INDEX_FILE) || SHARD_NAME.matcher(n).matches();
                if (weights && !keep.contains(f)) {
                    stale.add(f);
                }
            }
        }
        for (Path f : stale) {
            Files.deleteIfExists(f);
        }
    }
}
