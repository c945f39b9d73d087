package dev.jbert.trainer.serve;

import dev.jbert.cli.UserException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits, for a bounded time, for the model worker's answer to a request; gives up with a 503. */
final class AwaitModel {
    private AwaitModel() {
    }

    static <T> T get(CompletableFuture<T> answer, Duration timeout) {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(false);
            throw new ApiException(503, "the model did not answer within " + timeout.toSeconds()
                    + " s: the server is busy, try again shortly", Map.of("Retry-After", "1"));
        } catch (InterruptedException e) {
            answer.cancel(false);
            Thread.currentThread().interrupt();
            throw new ApiException(503, "the server is shutting down", Map.of("Retry-After", "1"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof UserException u) {
                throw u;
            }
            if (cause instanceof QueueFullException q) {
                throw q;
            }
            throw new IllegalStateException("the model failed: " + cause, cause);
        }
    }
}
