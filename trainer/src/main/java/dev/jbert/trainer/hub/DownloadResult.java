package dev.jbert.trainer.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/** What a download did: the model, the commit its revision resolved to, and every file. */
public record DownloadResult(String modelId, String revision, String commit, String endpoint, Path outputDir,
                             List<HubFile> files, List<String> warnings) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bytes that came over the network in this run (whole files; resumed files counted in full). */
    public long fetchedBytes() {
        long n = 0;
        for (HubFile f : files) {
            if (f.status() == HubFile.Status.DOWNLOADED || f.status() == HubFile.Status.RESUMED) {
                n += f.size();
            }
        }
        return n;
    }

    public HubFile file(String name) {
        for (HubFile f : files) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The summary the command prints on stdout. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", modelId);
        o.put("revision", revision);
        if (commit == null) {
            o.putNull("commit");
        } else {
            o.put("commit", commit);
        }
        o.put("endpoint", endpoint);
        o.put("output", outputDir.toString());
        ArrayNode list = o.putArray("files");
        for (HubFile f : files) {
            ObjectNode e = list.addObject();
            e.put("name", f.name());
            e.put("status", f.status().jsonName());
            if (f.exists()) {
                e.put("size", f.size());
                e.put("sha256", f.sha256());
                e.put("verified", f.verified());
            }
        }
        o.put("fetched_bytes", fetchedBytes());
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
        return o;
    }
}
