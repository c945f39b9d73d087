package dev.jbert.trainer.serve;

import java.time.Duration;
import java.util.List;

/**
 * The limits and settings of a {@link ServeServer}: where it listens and how much one request, and
 * all of them together, may ask of it.
 *
 * @param host           the address to bind ({@code 127.0.0.1} keeps the server local)
 * @param port           the port; 0 picks a free one ({@link ServeServer#port()} says which)
 * @param maxBatch       texts in one request at most, and texts in one model batch at most
 * @param maxBodyBytes   request body size at most (413 beyond)
 * @param maxTextChars   characters in one text at most (413 beyond); longer token sequences than the
 *                       model takes are truncated, and the response says so
 * @param queueCapacity  requests waiting for the model at most (503 with Retry-After beyond)
 * @param requestTimeout how long a request waits for the model before it gets a 503
 * @param threshold      score at or above which the page marks a label of a multi-label model
 * @param examples       example inputs the page offers as buttons
 */
public record ServeOptions(String host, int port, int maxBatch, long maxBodyBytes, int maxTextChars,
                           int queueCapacity, Duration requestTimeout, double threshold, List<String> examples) {

    public static final String DEFAULT_HOST = "127.0.0.1";

    public ServeOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--host: expected an address, found nothing");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port: expected 0 to 65535, found " + port);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("--max-batch: expected a positive number, found " + maxBatch);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("--max-body: expected a positive size, found " + maxBodyBytes);
        }
        if (maxTextChars < 1) {
            throw new IllegalArgumentException("--max-text-chars: expected a positive number, found " + maxTextChars);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("--queue: expected a positive number, found " + queueCapacity);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout: expected a positive duration, found " + requestTimeout);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("--threshold: expected a number from 0 to 1, found " + threshold);
        }
        examples = List.copyOf(examples);
    }

    /** The command's defaults: 127.0.0.1:8080, batches of 32, 1 MB bodies, 10,000-character texts. */
    public static ServeOptions defaults() {
        return new ServeOptions(DEFAULT_HOST, 8080, 32, 1 << 20, 10_000, 64, Duration.ofSeconds(60), 0.5,
                DEFAULT_EXAMPLES);
    }

    /** Examples for a sentiment model, as the demo's fine-tuned one. */
    public static final List<String> DEFAULT_EXAMPLES = List.of(
            "An absolute delight from the first page to the last.",
            "The battery died after two days and support never answered.",
            "Not bad at all, I would happily stay here again.",
            "I wanted to like it, but the plot made no sense.");

    public ServeOptions withHost(String h) {
        return new ServeOptions(h, port, maxBatch, maxBodyBytes, maxTextChars, queueCapacity, requestTimeout, threshold,
                examples);
    }

    public ServeOptions withPort(int p) {
        return new ServeOptions(host, p, maxBatch, maxBodyBytes, maxTextChars, queueCapacity, requestTimeout, threshold,
                examples);
    }

    public ServeOptions withMaxBatch(int n) {
        return new ServeOptions(host, port, n, maxBodyBytes, maxTextChars, queueCapacity, requestTimeout, threshold,
                examples);
    }

    public ServeOptions withMaxBodyBytes(long n) {
        return new ServeOptions(host, port, maxBatch, n, maxTextChars, queueCapacity, requestTimeout, threshold,
                examples);
    }

    public ServeOptions withMaxTextChars(int n) {
        return new ServeOptions(host, port, maxBatch, maxBodyBytes, n, queueCapacity, requestTimeout, threshold,
                examples);
    }

    public ServeOptions withQueueCapacity(int n) {
        return new ServeOptions(host, port, maxBatch, maxBodyBytes, maxTextChars, n, requestTimeout, threshold,
                examples);
    }

    public ServeOptions withRequestTimeout(Duration d) {
        return new ServeOptions(host, port, maxBatch, maxBodyBytes, maxTextChars, queueCapacity, d, threshold,
                examples);
    }

    public ServeOptions withThreshold(double t) {
        return new ServeOptions(host, port, maxBatch, maxBodyBytes, maxTextChars, queueCapacity, requestTimeout, t,
                examples);
    }

    public ServeOptions withExamples(List<String> e) {
        return new ServeOptions(host, port, maxBatch, maxBodyBytes, maxTextChars, queueCapacity, requestTimeout, threshold,
                e);
    }
}
