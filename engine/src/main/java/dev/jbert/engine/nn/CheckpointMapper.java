package dev.jbert.engine.nn;

import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.io.CheckpointException;
import dev.jbert.engine.io.TensorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps Hugging Face state-dict names to a model's parameters, at load and at save.
 *
 * <p>Accepted: names with the {@code bert.} / {@code distilbert.} prefix or without it (a bare
 * {@code BertModel} such as all-MiniLM-L6-v2), legacy {@code LayerNorm.gamma} / {@code beta},
 * an absent pooler or head (newly initialised and reported, as Hugging Face does), and tensors
 * the model does not use (masked-LM heads, {@code position_ids} buffers: listed and skipped).
 * A missing encoder tensor or a wrong shape is an error naming the file and the tensor.
 */
public final class CheckpointMapper {
    private CheckpointMapper() {
    }

    /** What a load did. */
    public record LoadReport(List<String> loaded, List<String> newlyInitialized, List<String> unused) {
        /** Hugging Face's wording, or null when nothing needs saying. */
        public String newlyInitializedMessage(String architecture) {
            if (newlyInitialized.isEmpty()) {
                return null;
            }
            return "Some weights of " + architecture + " were not initialized from the model checkpoint and are"
                    + " newly initialized: " + newlyInitialized
                    + "\nYou should probably TRAIN this model on a down-stream task to be able to use it for"
                    + " predictions and inference.";
        }

        public String unusedMessage() {
            if (unused.isEmpty()) {
                return null;
            }
            return "Some weights of the model checkpoint were not used: " + unused;
        }
    }

    /** The checkpoint's name for each tensor, canonicalised (legacy LayerNorm names, the base prefix). */
    static String canonical(String name, String prefix) {
        String n = name;
        if (n.endsWith(".gamma") && isNorm(n)) {
            n = n.substring(0, n.length() - ".gamma".length()) + ".weight";
        } else if (n.endsWith(".beta") && isNorm(n)) {
            n = n.substring(0, n.length() - ".beta".length()) + ".bias";
        }
        if (n.startsWith("embeddings.") || n.startsWith("encoder.") || n.startsWith("pooler.")
                || n.startsWith("transformer.")) {
            n = prefix + "." + n;
        }
        return n;
    }

    private static boolean isNorm(String n) {
        return n.contains("LayerNorm") || n.contains("layer_norm");
    }

    /**
     * Loads every parameter the checkpoint holds. {@code optional} says which missing names are
     * acceptable (newly initialised, and reported); any other missing parameter is an error.
     */
    public static LoadReport load(Checkpoint ckpt, List<Parameter> params, String prefix, Set<String> optional) {
        Map<String, String> byCanonical = new LinkedHashMap<>();
        for (String stored : ckpt.names()) {
            String canon = canonical(stored, prefix);
            String prev = byCanonical.put(canon, stored);
            if (prev != null) {
                throw new CheckpointException(ckpt.source(stored) + ": tensors '" + prev + "' and '" + stored
                        + "' both map to parameter '" + canon + "'");
            }
        }
        List<String> loaded = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Parameter p : params) {
            String stored = byCanonical.remove(p.name());
            if (stored == null) {
                if (optional.contains(p.name()) || !p.trainable()) {
                    fresh.add(p.name());
                } else {
                    missing.add(p.name());
                }
                continue;
            }
            TensorInfo info = ckpt.info(stored);
            if (!java.util.Arrays.equals(info.shape(), p.shape())) {
                throw new CheckpointException(ckpt.source(stored) + ": tensor '" + stored + "' has shape "
                        + info.shapeString() + ", the model (from config.json) expects "
                        + java.util.Arrays.toString(p.shape()));
            }
            if (!info.dtype().isFloating()) {
                throw new CheckpointException(ckpt.source(stored) + ": tensor '" + stored + "' has dtype "
                        + info.dtype() + ", expected a floating type (F32, F16, BF16)");
            }
            ckpt.readFloatInto(stored, p.data());
            loaded.add(p.name());
        }
        if (!missing.isEmpty()) {
            String file = ckpt.names().isEmpty() ? "checkpoint" : ckpt.source(ckpt.names().first());
            throw new CheckpointException(file + ": missing " + missing.size() + " required tensor"
                    + (missing.size() == 1 ? "" : "s") + ": " + abbreviate(missing));
        }
        List<String> unused = new ArrayList<>(new TreeSet<>(byCanonical.values()));
        return new LoadReport(loaded, fresh, unused);
    }

    private static String abbreviate(List<String> names) {
        if (names.size() <= 8) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, 8)) + ", ... (" + (names.size() - 8) + " more)";
    }

    /** Parameters under their Hugging Face names, for saving (sorted by the writer). */
    public static Map<String, dev.jbert.engine.tensor.Tensor> stateDict(List<Parameter> params) {
        Map<String, dev.jbert.engine.tensor.Tensor> out = new LinkedHashMap<>();
        for (Parameter p : params) {
            out.put(p.name(), p.value());
        }
        return out;
    }
}
