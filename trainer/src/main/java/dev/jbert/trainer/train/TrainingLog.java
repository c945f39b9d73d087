package dev.jbert.trainer.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code training_log.jsonl}: every logged training step and every evaluation of
 * {@link TrainerState#logHistory}, one compact JSON object per line, with Hugging Face's names
 * ({@code step}, {@code epoch}, then the rest sorted: training {@code grad_norm},
 * {@code learning_rate}, {@code loss}; evaluation {@code eval_*}). The file is rewritten atomically, so a
 * reader never sees half a line; {@link #maybeWrite} limits rewrites of a long log to one every few
 * seconds.
 */
public final class TrainingLog {
    public static final String FILE_NAME = "training_log.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final long minIntervalNanos;
    private long lastWrite = Long.MIN_VALUE;

    public TrainingLog(Path outputDir, double minIntervalSeconds) {
        this.file = outputDir.resolve(FILE_NAME);
        this.minIntervalNanos = (long) (minIntervalSeconds * 1e9);
    }

    /** True for the entries this file holds: training steps and evaluations (not the final summary). */
    public static boolean belongs(ObjectNode entry) {
        if (entry.has("loss")) {
            return true;
        }
        var names = entry.fieldNames();
        while (names.hasNext()) {
            if (names.next().startsWith("eval_")) {
                return true;
            }
        }
        return false;
    }

    /** The file's text for these entries. */
    public static String render(List<ObjectNode> history) {
        StringBuilder sb = new StringBuilder();
        try {
            for (ObjectNode e : history) {
                if (belongs(e)) {
                    sb.append(JSON.writeValueAsString(ordered(e))).append('\n');
                }
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    /** The entry with {@code step} and {@code epoch} first, then the other keys sorted (as a resumed state holds them). */
    static ObjectNode ordered(ObjectNode e) {
        ObjectNode o = JSON.createObjectNode();
        for (String first : List.of("step", "epoch")) {
            if (e.has(first)) {
                o.set(first, e.get(first));
            }
        }
        java.util.List<String> rest = new java.util.ArrayList<>();
        e.fieldNames().forEachRemaining(rest::add);
        java.util.Collections.sort(rest);
        for (String k : rest) {
            if (!o.has(k)) {
                o.set(k, e.get(k));
            }
        }
        return o;
    }

    /** Rewrites the file now. */
    public void write(List<ObjectNode> history) throws IOException {
        AtomicFiles.writeBytes(file, render(history).getBytes(StandardCharsets.UTF_8));
        lastWrite = System.nanoTime();
    }

    /** Rewrites the file unless it was written less than the minimum interval ago. */
    public void maybeWrite(List<ObjectNode> history) throws IOException {
        if (lastWrite == Long.MIN_VALUE || System.nanoTime() - lastWrite >= minIntervalNanos) {
            write(history);
        }
    }
}
