package dev.jbert.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.UserException;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.tokenizer.EncodeOptions;
import dev.jbert.tokenizer.Encoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A batch from {@code {"input_ids": [[...]], "attention_mask": [[...]], "token_type_ids": [[...]]}} or from texts. */
public final class BatchJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchJson() {
    }

    public static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": no such file");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserException(file + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new UserException(file + ": cannot read: " + e.getMessage());
        }
    }

    public static ModelInput parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new UserException(source + ": expected a JSON object with \"input_ids\"");
        }
        int[][] ids = rows(root.get("input_ids"), "input_ids", source, true);
        int[][] mask = rows(root.get("attention_mask"), "attention_mask", source, false);
        int[][] types = rows(root.get("token_type_ids"), "token_type_ids", source, false);
        try {
            return ModelInput.of(ids, mask, types);
        } catch (IllegalArgumentException e) {
            throw new UserException(source + ": " + e.getMessage());
        }
    }

    private static int[][] rows(JsonNode n, String field, String source, boolean required) {
        if (n == null || n.isNull()) {
            if (required) {
                throw new UserException(source + ": missing \"" + field + "\" (a list of rows of token ids)");
            }
            return null;
        }
        if (!n.isArray() || n.isEmpty()) {
            throw new UserException(source + ": \"" + field + "\" must be a non-empty list of rows");
        }
        int[][] out = new int[n.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode r = n.get(i);
            if (!r.isArray() || r.isEmpty()) {
                throw new UserException(source + ": \"" + field + "\" row " + i + " must be a non-empty list of integers");
            }
            out[i] = new int[r.size()];
            for (int j = 0; j < out[i].length; j++) {
                JsonNode x = r.get(j);
                if (!x.isIntegralNumber() || !x.canConvertToInt()) {
                    throw new UserException(source + ": \"" + field + "\"[" + i + "][" + j + "] is " + x
                            + ", expected an integer");
                }
                out[i][j] = x.asInt();
            }
        }
        return out;
    }

    /** Tokenizes texts (padded to the longest, truncated to maxLength) into a batch. */
    public static ModelInput fromTexts(BertTokenizer tok, List<String> texts, List<String> pairs, int maxLength) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isEmpty()) {
                throw new UserException("text " + (i + 1) + " is empty");
            }
        }
        EncodeOptions opts = EncodeOptions.defaults().withPadding(EncodeOptions.Padding.LONGEST)
                .withMaxLength(maxLength).withTruncation(EncodeOptions.Truncation.LONGEST_FIRST);
        return pack(tok.encodeBatch(texts, pairs, opts));
    }

    /** Encodings already padded to one length (Padding.LONGEST or MAX_LENGTH) as one batch. */
    public static ModelInput pack(List<Encoding> enc) {
        int b = enc.size();
        int t = enc.get(0).inputIds().length;
        int[] ids = new int[b * t];
        int[] types = new int[b * t];
        float[] mask = new float[b * t];
        for (int i = 0; i < b; i++) {
            Encoding e = enc.get(i);
            if (e.inputIds().length != t) {
                throw new IllegalArgumentException("encoding " + i + " has " + e.inputIds().length
                        + " tokens, expected " + t + " (encodings must be padded to one length)");
            }
            System.arraycopy(e.inputIds(), 0, ids, i * t, t);
            System.arraycopy(e.tokenTypeIds(), 0, types, i * t, t);
            for (int j = 0; j < t; j++) {
                mask[i * t + j] = e.attentionMask()[j];
            }
        }
        return new ModelInput(b, t, ids, types, mask);
    }
}
