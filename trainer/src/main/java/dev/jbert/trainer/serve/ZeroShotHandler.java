package dev.jbert.trainer.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.jbert.cli.UserException;
import dev.jbert.trainer.zeroshot.CandidateLabels;
import dev.jbert.trainer.zeroshot.HypothesisTemplate;
import dev.jbert.trainer.zeroshot.ZeroShotClassifier;
import dev.jbert.trainer.zeroshot.ZeroShotResult;
import java.io.IOException;
import java.util.List;

/**
 * {@code POST /zero-shot} on an NLI model: {@link ZeroShotClassifier}'s result, as {@code jbert
 * zero-shot} prints it ({@code {"sequence", "labels", "scores"}}), with {@code "truncated"} saying
 * whether the text had to be cut to fit a hypothesis in the model's length. On any other model, 404.
 * The classification runs as one task on the model's thread, behind the same bounded queue as
 * {@code /predict}.
 */
final class ZeroShotHandler implements HttpHandler {
    private final ServedModel model;
    private final ModelWorker worker;
    private final ServeOptions options;

    ZeroShotHandler(ServedModel model, ModelWorker worker, ServeOptions options) {
        this.model = model;
        this.worker = worker;
        this.options = options;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        ZeroShotClassifier zs = model.zeroShot();
        if (zs == null) {
            throw new ApiException(404, "zero-shot classification needs an NLI model (labels such as entailment,"
                    + " neutral, contradiction); this model's labels are " + model.config().labels()
                    + ": use /predict");
        }
        ZeroShotRequest req = ZeroShotRequest.parse(RequestBody.readObject(ex, options.maxBodyBytes()), options);
        CandidateLabels labels;
        HypothesisTemplate template;
        try {
            labels = CandidateLabels.of(req.labels());
            template = req.template() == null ? HypothesisTemplate.defaults() : new HypothesisTemplate(req.template());
        } catch (UserException e) {
            throw ApiException.badRequest(apiNames(e.getMessage()));
        }
        ZeroShotResult result;
        try {
            result = AwaitModel.get(worker.submitTask(
                    () -> zs.classify(List.of(req.text()), labels, template, req.multiLabel()).getFirst()),
                    options.requestTimeout());
        } catch (UserException e) {
            throw ApiException.badRequest(apiNames(e.getMessage()));
        }
        boolean truncated = false;
        for (int i = 0; i < labels.size(); i++) {
            truncated |= model.truncated(new TextInput(req.text(), template.hypothesis(labels.get(i))));
        }
        ObjectNode body = result.toJson(HttpReply.JSON);
        body.put("truncated", truncated);
        HttpReply.json(ex, 200, body);
    }

    /** The classifier speaks of the command's options; the API's client sent fields. */
    private static String apiNames(String message) {
        return message.replace("--labels", "\"labels\"").replace("--template", "\"template\"");
    }
}
