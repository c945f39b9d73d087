package dev.jbert.trainer.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.jbert.cli.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's one handler: finds the endpoint by exact path (404 otherwise) and method (405, with
 * {@code Allow}, otherwise), and turns whatever an endpoint throws into a JSON error, so that no
 * request can take the server down: {@link ApiException} into its status, a full queue into 503
 * with {@code Retry-After}, a {@link UserException} into 400, anything else into 500 (logged).
 */
final class Router implements HttpHandler {
    private final Map<String, Map<String, HttpHandler>> routes = new LinkedHashMap<>();
    private final PrintStream log;

    Router(PrintStream log) {
        this.log = log;
    }

    Router add(String method, String path, HttpHandler handler) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, handler);
        return this;
    }

    List<String> paths() {
        return List.copyOf(routes.keySet());
    }

    @Override
    public void handle(HttpExchange ex) {
        try {
            route(ex).handle(ex);
        } catch (ApiException e) {
            reply(ex, e);
        } catch (QueueFullException e) {
            reply(ex, new ApiException(503, e.getMessage(), Map.of("Retry-After", "1")));
        } catch (UserException e) {
            reply(ex, ApiException.badRequest(e.getMessage()));
        } catch (Throwable t) {
            if (log != null) {
                synchronized (log) {
                    log.println("serve: internal error on " + ex.getRequestMethod() + " " + ex.getRequestURI() + ": " + t);
                    t.printStackTrace(log);
                }
            }
            reply(ex, new ApiException(500, "internal error: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage())));
        } finally {
            ex.close();
        }
    }

    private HttpHandler route(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        Map<String, HttpHandler> methods = path == null ? null : routes.get(path);
        if (methods == null) {
            throw new ApiException(404, "no such path: " + clip(ex.getRequestURI().getRawPath()) + " (the API: "
                    + String.join(", ", routes.keySet()) + ")");
        }
        String method = ex.getRequestMethod();
        HttpHandler h = methods.get(method);
        if (h == null && "HEAD".equals(method)) {
            h = methods.get("GET");
        }
        if (h == null) {
            String allow = String.join(", ", methods.keySet());
            throw new ApiException(405, "method " + clip(method) + " not allowed on " + path + ": use " + allow,
                    Map.of("Allow", allow));
        }
        return h;
    }

    /** Sends an error unless a response was already started (then the connection is just closed). */
    private void reply(HttpExchange ex, ApiException e) {
        if (ex.getResponseCode() != -1) {
            return;
        }
        try {
            drain(ex);
            HttpReply.error(ex, e);
        } catch (IOException | RuntimeException ignored) {
            // the client went away: nothing more to tell it
        }
    }

    /**
     * Reads what is left of a small body (up to 1 MB), so that the client, still sending, sees the reply
     * rather than a reset, and the connection can serve its next request; a larger one is left, and the
     * server closes the connection after the reply.
     */
    private static void drain(HttpExchange ex) {
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        try {
            if (len == null || Long.parseLong(len.strip()) > 1 << 20) {
                return;
            }
            byte[] buf = new byte[8192];
            InputStream in = ex.getRequestBody();
            long total = 0;
            for (int r; total <= 1 << 20 && (r = in.read(buf)) >= 0; ) {
                total += r;
            }
        } catch (NumberFormatException | IOException e) {
            // read already (the stream is closed), or the client went away: reply anyway
        }
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
