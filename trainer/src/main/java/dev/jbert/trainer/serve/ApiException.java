package dev.jbert.trainer.serve;

import java.util.Map;

/**
 * A request the server refuses: the HTTP status, a message for the client (sent as
 * {@code {"error": message}}) and any headers that go with it ({@code Allow}, {@code Retry-After}).
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final Map<String, String> headers;

    public ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    public ApiException(int status, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, message);
    }
}
