package dev.jbert.trainer.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes one response: JSON, an error as {@code {"error": ...}}, or a file's bytes. Always with a length. */
public final class HttpReply {
    static final ObjectMapper JSON = new ObjectMapper();

    private HttpReply() {
    }

    public static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write the response as JSON: " + e.getOriginalMessage(), e);
        }
        bytes(ex, status, "application/json; charset=utf-8", bytes, Map.of());
    }

    public static void error(HttpExchange ex, ApiException e) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", e.getMessage());
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        bytes(ex, e.status(), "application/json; charset=utf-8", bytes, e.headers());
    }

    public static void bytes(HttpExchange ex, int status, String contentType, byte[] body, Map<String, String> headers)
            throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", contentType);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        // the page loads nothing from elsewhere: scripts, styles and requests stay on this server
        h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        headers.forEach(h::set);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
