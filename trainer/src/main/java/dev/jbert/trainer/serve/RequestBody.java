package dev.jbert.trainer.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request's body, read up to a limit (413 beyond it, before reading it all when the client says
 * its length) and parsed as one JSON object (400, saying where, for anything else: malformed JSON,
 * trailing data, duplicate keys, another type).
 */
public final class RequestBody {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RequestBody() {
    }

    /** The body's bytes, at most {@code limit}. */
    public static byte[] read(HttpExchange ex, long limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number: '" + declared + "'");
            }
            if (n > limit) {
                throw tooLarge(limit);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        InputStream in = ex.getRequestBody();
        for (int r; (r = in.read(buf)) >= 0; ) {
            if (out.size() + (long) r > limit) {
                throw tooLarge(limit);
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    /** The body as a JSON object. */
    public static JsonNode readObject(HttpExchange ex, long limit) throws IOException {
        return parseObject(read(ex, limit));
    }

    /** Bytes as one JSON object. */
    public static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("empty body: expected a JSON object such as {\"text\": \"...\"}");
        }
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw ApiException.badRequest("empty body: expected a JSON object such as {\"text\": \"...\"}");
        }
        if (!root.isObject()) {
            throw ApiException.badRequest("expected a JSON object such as {\"text\": \"...\"}, found " + kind(root));
        }
        return root;
    }

    /** What a JSON value is, for messages: {@code a string}, {@code an array}, ... */
    public static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static ApiException tooLarge(long limit) {
        return ApiException.tooLarge("request body larger than " + ByteSize.format(limit) + " (--max-body)");
    }
}
