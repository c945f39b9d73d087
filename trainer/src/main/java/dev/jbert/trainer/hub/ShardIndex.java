package dev.jbert.trainer.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A {@code model.safetensors.index.json}: the shard files its {@code weight_map} names, each
 * once, in name order. A shard name must be a plain file name inside the model folder: the
 * index comes from the network and must not steer a write elsewhere.
 */
public final class ShardIndex {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardIndex() {
    }

    public static List<String> shards(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (JsonProcessingException e) {
            throw new UserException(index + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new UserException(index + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new UserException(index + ": no \"weight_map\" object of tensor name -> shard file");
        }
        TreeSet<String> shards = new TreeSet<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String shard = e.getValue().asText("");
            if (!e.getValue().isTextual() || !isPlainFileName(shard)) {
                throw new UserException(index + ": tensor '" + e.getKey() + "' is in shard " + e.getValue()
                        + ", expected a plain file name such as model-00001-of-00002.safetensors");
            }
            shards.add(shard);
        }
        return new ArrayList<>(shards);
    }

    static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && !name.startsWith(".")
                && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf(':') < 0 && name.indexOf('\0') < 0;
    }
}
