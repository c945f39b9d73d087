package dev.jbert.trainer.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.jbert.trainer.predict.LabelScore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /predict}: the {@code predict} command's output for the texts, under
 * {@code "predictions"} (one list for {@code "text"}, a list of lists for {@code "texts"}), with
 * {@code "truncated"} (one flag, or one per text) saying which texts had more tokens than the model
 * takes. Every label is listed unless the request gives {@code "top_k"}.
 */
final class PredictHandler implements HttpHandler {
    private final ServedModel model;
    private final ModelWorker worker;
    private final ServeOptions options;

    PredictHandler(ServedModel model, ModelWorker worker, ServeOptions options) {
        this.model = model;
        this.worker = worker;
        this.options = options;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        PredictRequest req = PredictRequest.parse(RequestBody.readObject(ex, options.maxBodyBytes()), options);
        List<TextInput> inputs = new ArrayList<>(req.texts().size());
        for (String t : req.texts()) {
            inputs.add(TextInput.of(t));
        }
        float[][] logits = AwaitModel.get(worker.submit(inputs), options.requestTimeout());
        ObjectNode body = HttpReply.JSON.createObjectNode();
        if (req.single()) {
            body.set("predictions", line(logits[0], req));
            body.put("truncated", model.truncated(inputs.getFirst()));
        } else {
            ArrayNode lines = body.putArray("predictions");
            ArrayNode truncated = body.putArray("truncated");
            for (int i = 0; i < logits.length; i++) {
                lines.add(line(logits[i], req));
                truncated.add(model.truncated(inputs.get(i)));
            }
        }
        HttpReply.json(ex, 200, body);
    }

    /** One text's list, as a line of {@code jbert predict}: {@code [{"label": ..., "score": ...}, ...]}. */
    private ArrayNode line(float[] logits, PredictRequest req) {
        ArrayNode line = HttpReply.JSON.createArrayNode();
        for (LabelScore ls : model.ranked(logits, req.topK(), req.threshold())) {
            ObjectNode o = line.addObject();
            o.put("label", ls.label());
            o.put("score", ls.score());
        }
        return line;
    }
}
