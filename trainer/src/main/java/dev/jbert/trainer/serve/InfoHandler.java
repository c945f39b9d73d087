package dev.jbert.trainer.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.jbert.engine.config.ModelConfig;
import java.io.IOException;

/**
 * {@code GET /info}: what the page and a client need to know about the model: its type, labels,
 * problem type, score function, maximum length in tokens, whether it classifies zero-shot, the
 * threshold at which a multi-label model's label counts, the example inputs, and the request limits.
 */
final class InfoHandler implements HttpHandler {
    private final ObjectNode info;

    InfoHandler(ServedModel model, ServeOptions options) {
        ModelConfig c = model.config();
        ObjectNode o = HttpReply.JSON.createObjectNode();
        java.nio.file.Path name = model.dir().toAbsolutePath().normalize().getFileName();
        o.put("model", name == null ? model.dir().toString() : name.toString());
        o.put("model_type", c.modelType().hfName());
        ArrayNode labels = o.putArray("labels");
        c.labels().forEach(labels::add);
        o.put("problem_type", problemType(model));
        o.put("score_function", model.scoreFunction().name().toLowerCase(java.util.Locale.ROOT));
        o.put("max_length", model.maxLength());
        o.put("multi_label", model.multiLabel());
        o.put("threshold", options.threshold());
        o.put("zero_shot", model.nli());
        ArrayNode examples = o.putArray("examples");
        options.examples().forEach(examples::add);
        ObjectNode limits = o.putObject("limits");
        limits.put("max_batch", options.maxBatch());
        limits.put("max_body_bytes", options.maxBodyBytes());
        limits.put("max_text_chars", options.maxTextChars());
        limits.put("queue", options.queueCapacity());
        this.info = o;
    }

    /** The configured problem type, else what the config implies (one output: regression). */
    private static String problemType(ServedModel model) {
        ModelConfig c = model.config();
        if (c.problemType() != null) {
            return c.problemType().hfName();
        }
        return c.numLabels() == 1 ? "regression" : "single_label_classification";
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        HttpReply.json(ex, 200, info);
    }
}
