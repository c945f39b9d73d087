package dev.jbert.trainer.onnx;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * What an import wrote: the model folder, its files, the number of tensors and parameters, the
 * derived config, the initializers left out and any warnings.
 */
public record ImportResult(String source, Path outputDir, List<Path> files, int tensorCount, long parameterCount,
                           ObjectNode config, List<String> skipped, List<String> warnings) {

    /** The summary the command prints on stdout. */
    public ObjectNode toJson() {
        ObjectNode o = HfJson.MAPPER.createObjectNode();
        o.put("source", source);
        o.put("output", outputDir.toString());
        ArrayNode f = o.putArray("files");
        for (Path p : files) {
            f.add(p.getFileName().toString());
        }
        o.put("tensors", tensorCount);
        o.put("parameters", parameterCount);
        o.set("config", config);
        ArrayNode s = o.putArray("skipped");
        skipped.forEach(s::add);
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
        return o;
    }
}
