package dev.jbert.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code POST /zero-shot} body, as Hugging Face's zero-shot-classification pipeline takes it:
 * {@code {"text": "...", "labels": ["politics", "sports"] (or "politics, sports"),
 * "template": "This example is {}.", "multi_label": false}} ({@code candidate_labels} and
 * {@code hypothesis_template}, the pipeline's names, are accepted too). Only the JSON types and the
 * size limits are checked here; the labels and the template are checked by
 * {@link dev.jbert.trainer.zeroshot.CandidateLabels} and
 * {@link dev.jbert.trainer.zeroshot.HypothesisTemplate}, as for {@code jbert zero-shot}.
 *
 * @param template null for the default
 */
public record ZeroShotRequest(String text, List<String> labels, String template, boolean multiLabel) {
    static final List<String> FIELDS = List.of("text", "labels", "candidate_labels", "template",
            "hypothesis_template", "multi_label");

    public static ZeroShotRequest parse(JsonNode body, ServeOptions limits) {
        RequestFields.allowOnly(body, FIELDS);
        String text = RequestFields.text(body.get("text"), "\"text\"", limits.maxTextChars());
        String labelField = one(body, "labels", "candidate_labels");
        if (labelField == null) {
            throw ApiException.badRequest("missing \"labels\": the candidate labels, an array of strings");
        }
        List<String> labels = labels(body.get(labelField), labelField, limits);
        String templateField = one(body, "template", "hypothesis_template");
        String template = null;
        if (templateField != null && RequestFields.present(body, templateField)) {
            template = RequestFields.text(body.get(templateField), "\"" + templateField + "\"", limits.maxTextChars());
        }
        return new ZeroShotRequest(text, labels, template, RequestFields.bool(body, "multi_label", false));
    }

    private static String one(JsonNode body, String name, String alias) {
        if (body.has(name) && body.has(alias)) {
            throw ApiException.badRequest("give \"" + name + "\" or \"" + alias + "\", not both");
        }
        return body.has(alias) ? alias : body.has(name) ? name : null;
    }

    private static List<String> labels(JsonNode n, String field, ServeOptions limits) {
        List<String> raw = new ArrayList<>();
        if (n != null && n.isTextual()) {
            raw.addAll(List.of(n.textValue().split(",", -1)));
        } else if (n != null && n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (!e.isTextual()) {
                    throw ApiException.badRequest("\"" + field + "\"[" + i + "]: expected a string, found "
                            + RequestBody.kind(e));
                }
                raw.add(e.textValue());
            }
        } else {
            throw ApiException.badRequest("\"" + field + "\": expected an array of strings, found " + RequestBody.kind(n));
        }
        if (raw.size() > limits.maxBatch()) {
            throw ApiException.tooLarge("\"" + field + "\": " + raw.size() + " labels, more than " + limits.maxBatch()
                    + " (--max-batch: one text-label pair each)");
        }
        for (String label : raw) {
            if (label.length() > limits.maxTextChars()) {
                throw ApiException.tooLarge("\"" + field + "\": a label of " + label.length()
                        + " characters, more than " + limits.maxTextChars() + " (--max-text-chars)");
            }
        }
        return raw;
    }
}
