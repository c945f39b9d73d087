package dev.jbert.trainer.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The demo page's files, read once from the class path ({@code /dev/jbert/serve/}). */
final class StaticFiles implements HttpHandler {
    static final String ROOT = "/dev/jbert/serve/";

    private final byte[] body;
    private final String contentType;

    private StaticFiles(byte[] body, String contentType) {
        this.body = body;
        this.contentType = contentType;
    }

    /** The resource {@code name}; a missing one is a broken build, refused at start. */
    static StaticFiles of(String name) {
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8"
                : "application/octet-stream";
        try (InputStream in = StaticFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("the page's file " + ROOT + name + " is not on the class path");
            }
            return new StaticFiles(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + name, e);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        HttpReply.bytes(ex, 200, contentType, body, Map.of());
    }
}
